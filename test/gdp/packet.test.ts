import { describe, expect, it } from 'vitest';
import { GDP_BUFFER_FLAGS_MASK, GST_NONE, bufferFlagNames } from '../../src/gdp/packet';

describe('packet constants', () => {
  it('GST_NONE is 2^64 - 1', () => {
    expect(GST_NONE).toBe(18446744073709551615n);
    expect(GST_NONE).toBe((1n << 64n) - 1n);
  });

  it('the gdppay mask is LIVE | DISCONT | HEADER | GAP | DELTA_UNIT', () => {
    expect(bufferFlagNames(GDP_BUFFER_FLAGS_MASK)).toEqual(['live', 'discont', 'header', 'gap', 'delta-unit']);
  });

  it('names flags and shows unknown bits in hex', () => {
    expect(bufferFlagNames(0)).toEqual([]);
    expect(bufferFlagNames(0x0040)).toEqual(['discont']);
    expect(bufferFlagNames(0x2000 | 0x0400 | 0x0003)).toEqual(['header', 'delta-unit', '0x3']);
    expect(bufferFlagNames(0xfff0)).toHaveLength(12);
  });
});
