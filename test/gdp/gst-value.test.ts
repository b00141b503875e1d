import { describe, expect, it } from 'vitest';
import { getField, gstCapsEquals, gstStructure, gstStructureEquals, gstValueEquals, simpleValue } from '../../src/gdp/gst-value';
import { parseCaps, parseStructure } from '../../src/gdp/structure-parser';

describe('GstValue helpers', () => {
  it('gstStructure keeps field order and lets a later duplicate replace the value in place', () => {
    const s = gstStructure('s', [['a', { kind: 'int', value: 1 }], ['b', { kind: 'int', value: 2 }], ['a', { kind: 'int', value: 3 }]]);
    expect([...s.fields.keys()]).toEqual(['a', 'b']);
    expect(simpleValue(getField(s, 'a'))).toBe(3);
  });

  it('simpleValue unwraps simple fields only', () => {
    const s = parseStructure('s, a=(guint64)5, b=(GstFormat)time, c=(GstStreamFlags)A+B, d=(int)<1>, e=(string)NULL');
    expect(['a', 'b', 'c', 'd', 'e', 'zz'].map((k) => simpleValue(getField(s, k)))).toEqual([5n, 'time', 'A+B', undefined, null, undefined]);
  });

  it('compares values structurally (NaN equal, -0 not 0, buffers by content)', () => {
    expect(gstValueEquals({ kind: 'double', value: Number.NaN }, { kind: 'double', value: Number.NaN })).toBe(true);
    expect(gstValueEquals({ kind: 'double', value: -0 }, { kind: 'double', value: 0 })).toBe(false);
    expect(gstValueEquals({ kind: 'buffer', value: new Uint8Array([1]) }, { kind: 'buffer', value: new Uint8Array([1]) })).toBe(true);
    expect(gstValueEquals({ kind: 'int', value: 1 }, { kind: 'uint', value: 1 })).toBe(false);
    const a = parseStructure('s, x=(int)[ 0, 10, 2 ], y={ 1, 2 }');
    expect(gstStructureEquals(a, parseStructure('s, x=(int)[0,10,2], y=(int){1,2}'))).toBe(true);
    expect(gstStructureEquals(a, parseStructure('s, x=(int)[ 0, 10 ], y={ 1, 2 }'))).toBe(false);
    expect(gstStructureEquals(a, parseStructure('s, y={ 1, 2 }, x=(int)[ 0, 10, 2 ]'))).toBe(false);
  });

  it('compares caps with features', () => {
    expect(gstCapsEquals(parseCaps('a(memory:X), b=1; c'), parseCaps('a(memory:X), b=(int)1; c'))).toBe(true);
    expect(gstCapsEquals(parseCaps('a(memory:X)'), parseCaps('a'))).toBe(false);
    expect(gstCapsEquals(parseCaps('ANY'), parseCaps('EMPTY'))).toBe(false);
  });
});
