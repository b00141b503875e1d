/**
 * Pieces shared by the bounded GDP fuzz test (test/gdp/fuzz.test.ts) and the long fuzz script
 * (bench/fuzz/gdp.ts). Not a test file itself.
 */
import fc from 'fast-check';
import { GdpDecoder, GdpError, crc16, type GdpPacket } from '../../src/gdp/index';

/** Decodes `chunks`; returns the error thrown (if any), the packets before it and the decoder. */
export function decodeAll(chunks: Uint8Array[], opts?: ConstructorParameters<typeof GdpDecoder>[0]): { error: unknown; packets: GdpPacket[]; d: GdpDecoder } {
  const d = new GdpDecoder(opts);
  const packets: GdpPacket[] = [];
  try {
    for (const c of chunks) packets.push(...d.push(c));
    d.end();
  } catch (error) {
    return { error, packets, d };
  }
  return { error: undefined, packets, d };
}

/** True when nothing was thrown, or only a GdpError. */
export function onlyGdpErrors(error: unknown): boolean {
  return error === undefined || error instanceof GdpError;
}

/** Sorted distinct cut points in [0, len], at most `maxCuts` of them. */
export const cuts = (len: number, maxCuts = 6): fc.Arbitrary<number[]> =>
  fc.uniqueArray(fc.integer({ min: 0, max: len }), { maxLength: maxCuts }).map((a) => a.sort((x, y) => x - y));

/** Recomputes the header CRC of every header the stream walks through (so mutations reach deeper checks). */
export function fixHeaderCrcs(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  for (let at = 0; at + 62 <= out.length;) {
    if (((out[at + 2] as number) & 1) !== 0) {
      const c = crc16(out, at, at + 58);
      out[at + 58] = c >> 8;
      out[at + 59] = c & 0xff;
    }
    const len = ((out[at + 6] as number) * 2 ** 24) + (((out[at + 7] as number) << 16) | ((out[at + 8] as number) << 8) | (out[at + 9] as number));
    at += 62 + len;
  }
  return out;
}
