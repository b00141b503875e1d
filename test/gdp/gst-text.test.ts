import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** No lone surrogates (TextEncoder would replace them). */
const isWellFormed = (s: string): boolean => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
import {
  formatDouble, isPlainToken, parseDoubleToken, parseIntegerToken, serializeString, unwrapString, wrapString,
} from '../../src/gdp/gst-text';

describe('formatDouble (%.17g as g_ascii_dtostr prints it)', () => {
  it.each([
    [0.1, '0.10000000000000001'], [1.5, '1.5'], [-0, '-0'], [0, '0'], [1e-7, '9.9999999999999995e-08'], [0.0001, '0.0001'],
    [0.00001, '1.0000000000000001e-05'], [1e16, '10000000000000000'], [1e17, '1e+17'], [1.2345678901234567e19, '1.2345678901234567e+19'],
    [-1.5e-300, '-1.5000000000000001e-300'], [Math.fround(0.1), '0.10000000149011612'], [Number.MAX_VALUE, '1.7976931348623157e+308'],
    [5e-324, '4.9406564584124654e-324'], [Infinity, 'inf'], [-Infinity, '-inf'], [Number.NaN, 'nan'],
    // exact ties round half to even, as glibc does (printf '%.17g' gives these)
    [1000000000000.03125, '1000000000000.0312'], [1000000000000.09375, '1000000000000.0938'],
  ])('%d → %s', (x, s) => expect(formatDouble(x)).toBe(s));

  it('reads back to the same double for any double', () => {
    fc.assert(fc.property(fc.double(), (x) => Object.is(parseDoubleToken(formatDouble(x)), x) || (Number.isNaN(x) && Number.isNaN(parseDoubleToken(formatDouble(x)) ?? 0))), { numRuns: 5000 });
  });
});

describe('token parsing', () => {
  it('reads integers like g_ascii_strtoll base 0', () => {
    expect(parseIntegerToken('010')).toBe(8n);
    expect(parseIntegerToken('0x1F')).toBe(31n);
    expect(parseIntegerToken('-5')).toBe(-5n);
    expect(parseIntegerToken('+5')).toBe(5n);
    expect(parseIntegerToken('09')).toBeNull();
    expect(parseIntegerToken('0x')).toBeNull();
    expect(parseIntegerToken('1.5')).toBeNull();
    expect(parseIntegerToken('')).toBeNull();
  });

  it('reads doubles like g_ascii_strtod', () => {
    expect(parseDoubleToken('1.')).toBe(1);
    expect(parseDoubleToken('.5')).toBe(0.5);
    expect(parseDoubleToken('1e400')).toBe(Infinity);
    expect(parseDoubleToken('-INF')).toBe(-Infinity);
    expect(parseDoubleToken('nan')).toBeNaN();
    expect(parseDoubleToken('0x10')).toBe(16);
    expect(parseDoubleToken('1.5e')).toBeNull();
    expect(parseDoubleToken('abc')).toBeNull();
  });
});

describe('string quoting', () => {
  it('leaves tokens bare and quotes everything else', () => {
    expect(isPlainToken('video/x-raw')).toBe(true);
    expect(isPlainToken('')).toBe(false);
    expect(isPlainToken('NULL')).toBe(false);
    expect(serializeString('a b')).toBe('"a\\ b"');
    expect(serializeString(null)).toBe('NULL');
    expect(wrapString('é\n;')).toBe('"\\303\\251\\012\\;"');
  });

  it('unwraps octal and backslash escapes and reports unterminated or bad UTF-8 strings', () => {
    expect(unwrapString('x"a\\ b\\303\\251\\n"y', 1)).toEqual({ value: 'a bén', end: 17 });
    expect(unwrapString('"abc', 0)).toMatchObject({ reason: 'unterminated quoted string' });
    expect(unwrapString('"\\351"', 0)).toMatchObject({ reason: expect.stringContaining('UTF-8') });
    expect(unwrapString('"😀"', 0)).toEqual({ value: '😀', end: 4 });
  });

  it('unwrap(wrap(s)) is s for any well-formed string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }).filter((s) => isWellFormed(s)), (s) => {
      const w = wrapString(s);
      const r = unwrapString(w, 0);
      return 'value' in r && r.value === s && r.end === w.length;
    }), { numRuns: 2000 });
  });
});
