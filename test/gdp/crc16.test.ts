import { describe, expect, it } from 'vitest';
import { crc16 } from '../../src/gdp/crc16';
import { validVectors } from './vectors';

/** Bit-by-bit reference: poly 0x1021, preset 0xFFFF, MSB first, final XOR 0xFFFF. */
function reference(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let k = 0; k < 8; k++) crc = (crc & 0x8000) !== 0 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc ^ 0xffff;
}

describe('crc16 (CRC-16/GENIBUS)', () => {
  it('has the catalogue check value and 0 for empty input', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0xd64e);
    expect(crc16(new Uint8Array(0))).toBe(0);
  });

  it('matches the bitwise reference for every length 0..100 and ranges', () => {
    const data = Uint8Array.from({ length: 100 }, (_, i) => (i * 73 + 41) & 0xff);
    for (let n = 0; n <= 100; n++) expect(crc16(data.subarray(0, n))).toBe(reference(data.subarray(0, n)));
    for (let s = 0; s < 20; s++) expect(crc16(data, s, s + 37)).toBe(reference(data.subarray(s, s + 37)));
  });

  it('gives the header and payload CRCs the vector sidecars computed', () => {
    let checked = 0;
    for (const v of validVectors()) {
      for (const p of v.json.packets) {
        const at = p.byte_offset;
        expect(crc16(v.bytes, at, at + 58)).toBe(p.crc_header_computed);
        expect(crc16(v.bytes, at + 62, at + 62 + p.payload_length)).toBe(p.crc_payload_computed);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
