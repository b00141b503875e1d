/**
 * Low-level pieces of GStreamer's value text format, written from observed GStreamer 1.22
 * behaviour: which characters need no quoting, string quoting/unquoting with backslash and octal
 * escapes, `%.17g` double printing (g_ascii_dtostr), and integer/double token parsing
 * (g_ascii_strtoll/strtod rules). Tests: test/gdp/gst-text.test.ts.
 */

/** Characters allowed in an unquoted token: ASCII letters, digits and `_-+/:.`. */
export function isTokenChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x5f || c === 0x2d || c === 0x2b || c === 0x2f || c === 0x3a || c === 0x2e;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** True when `s` can be printed as a bare token (non-empty, token characters only, not `NULL`). */
export function isPlainToken(s: string): boolean {
  if (s.length === 0 || s === 'NULL') return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/**
 * Quotes a string as GStreamer does when it needs quoting: token characters as they are, bytes
 * below 0x20 or above 0x7E as three-digit octal escapes of their UTF-8 bytes, every other
 * character backslash-escaped.
 */
export function wrapString(s: string): string {
  const bytes = utf8Encoder.encode(s);
  let out = '"';
  for (const b of bytes) {
    if (isTokenChar(b)) out += String.fromCharCode(b);
    else if (b < 0x20 || b >= 0x7f) out += `\\${b >> 6}${(b >> 3) & 7}${b & 7}`;
    else out += `\\${String.fromCharCode(b)}`;
  }
  return `${out}"`;
}

/** `s` bare when possible, else quoted (string values; `null` prints as `NULL`). */
export function serializeString(s: string | null): string {
  if (s === null) return 'NULL';
  return isPlainToken(s) ? s : wrapString(s);
}

/** Result of reading a quoted string: its value and the index just past the closing quote. */
export interface Unwrapped {
  readonly value: string;
  readonly end: number;
}

/**
 * Reads a quoted string starting at `text[start] === '"'`. Returns `null` (with the failing index
 * in `fail`) when it is unterminated or not valid UTF-8 after unescaping.
 */
export function unwrapString(text: string, start: number): Unwrapped | { readonly fail: number; readonly reason: string } {
  const bytes: number[] = [];
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      try {
        return { value: utf8Decoder.decode(new Uint8Array(bytes)), end: i + 1 };
      } catch {
        return { fail: start, reason: 'quoted string is not valid UTF-8 after unescaping' };
      }
    }
    if (c === 0x5c) {
      i++;
      if (i >= text.length) break;
      const d0 = text.charCodeAt(i);
      const d1 = text.charCodeAt(i + 1);
      const d2 = text.charCodeAt(i + 2);
      if (d0 >= 0x30 && d0 <= 0x33 && d1 >= 0x30 && d1 <= 0x37 && d2 >= 0x30 && d2 <= 0x37) {
        bytes.push(((d0 - 0x30) << 6) | ((d1 - 0x30) << 3) | (d2 - 0x30));
        i += 3;
        continue;
      }
    }
    // one (possibly non-ASCII) character, as UTF-8
    const cp = text.codePointAt(i) as number;
    const len = cp > 0xffff ? 2 : 1;
    if (cp < 0x80) bytes.push(cp);
    else for (const b of utf8Encoder.encode(text.slice(i, i + len))) bytes.push(b);
    i += len;
  }
  return { fail: start, reason: 'unterminated quoted string' };
}

/** Prints a double like C's `%.17g` (g_ascii_dtostr): exact, round-half-even, `inf`/`nan`. */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const exact = exactDecimal(Math.abs(x));
  let digits = exact[0];
  const exp10 = exact[1];
  // value = 0.d1d2d3... * 10^exp10  → scientific exponent X = exp10 - 1
  let X = exp10 - 1;
  if (digits.length > 17) {
    let keep = BigInt(digits.slice(0, 17));
    const rest = digits.slice(17);
    const half = rest[0] === '5' && /^5?0*$/.test(rest);
    if (rest[0] !== undefined && (rest[0] > '5' || (rest[0] === '5' && (!half || (keep & 1n) === 1n)))) keep += 1n;
    digits = keep.toString();
    if (digits.length > 17) {
      digits = digits.slice(0, 17);
      X += 1;
    }
  }
  digits = digits.replace(/0+$/, '');
  if (digits === '') digits = '0';
  if (X < -4 || X >= 17) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(X);
    return `${sign}${mant}e${X < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  if (X >= 0) {
    const intPart = digits.slice(0, X + 1).padEnd(X + 1, '0');
    const frac = digits.slice(X + 1);
    return `${sign}${intPart}${frac.length > 0 ? `.${frac}` : ''}`;
  }
  return `${sign}0.${'0'.repeat(-X - 1)}${digits}`;
}

/** All significant decimal digits of a positive finite double, and the exponent of 0.digits. */
function exactDecimal(x: number): [string, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let e2: number;
  if (biased === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = biased - 1075;
  }
  let digits: string;
  let shift: number; // value = digits * 10^shift
  if (e2 >= 0) {
    digits = (mant << BigInt(e2)).toString();
    shift = 0;
  } else {
    digits = (mant * 5n ** BigInt(-e2)).toString();
    shift = e2;
  }
  const trimmed = digits.replace(/0+$/, '');
  shift += digits.length - trimmed.length;
  return [trimmed, trimmed.length + shift];
}

/** Parses an integer token like g_ascii_strtoll with base 0 (`0x` hex, leading `0` octal). */
export function parseIntegerToken(tok: string): bigint | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(tok);
  if (m === null) return null;
  const body = m[2] as string;
  let v: bigint;
  if (body.length > 1 && (body[1] === 'x' || body[1] === 'X')) v = BigInt(`0x${body.slice(2)}`);
  else if (body.length > 1 && body[0] === '0') v = BigInt(`0o${body.slice(1)}`);
  else v = BigInt(body);
  return m[1] === '-' ? -v : v;
}

/** Parses a floating-point token like g_ascii_strtod (decimal, hex integer, inf, infinity, nan). */
export function parseDoubleToken(tok: string): number | null {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(tok)) return Number(tok);
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(tok);
  if (special !== null) {
    const name = (special[2] as string).toLowerCase();
    if (name === 'nan') return Number.NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  const hexInt = /^([+-]?)0[xX]([0-9a-fA-F]+)$/.exec(tok);
  if (hexInt !== null) {
    const v = Number(BigInt(`0x${hexInt[2] as string}`));
    return hexInt[1] === '-' ? -v : v;
  }
  return null;
}
