import { describe, expect, it } from 'vitest';
import {
  GST_NONE, GdpDecoder, GdpEncodeError, crcOptionsFromFlags, encodeGdpPacket, encodeGdpPacketBytes, readGdpHeader,
  type GdpPacket,
} from '../../src/gdp/index';
import { decodeChunks, samePackets, validVectors } from './vectors';

const valid = validVectors();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('encodeGdpPacket on the valid vectors', () => {
  it.each(valid.map((v) => [v.name, v] as const))('%s: re-encoding the decoded packets gives the file byte for byte', (_n, v) => {
    const packets = new GdpDecoder().push(v.bytes);
    const parts: Uint8Array[] = [];
    packets.forEach((p, i) => {
      const info = v.json.packets[i];
      if (info === undefined) throw new Error('sidecar lists fewer packets');
      const [header, payload] = encodeGdpPacket(p, crcOptionsFromFlags(info.header_flags));
      expect(header).toHaveLength(62);
      expect(hex(header)).toBe(info.header_hex);
      expect(payload).toHaveLength(info.payload_length);
      parts.push(header, payload);
    });
    expect(Buffer.concat(parts).equals(Buffer.from(v.bytes))).toBe(true);
  });

  it.each(valid.map((v) => [v.name, v] as const))('%s: decode(encode(packets)) gives the same packets', (_n, v) => {
    const packets = new GdpDecoder().push(v.bytes);
    const chunks = packets.flatMap((p, i) => encodeGdpPacket(p, crcOptionsFromFlags(v.json.packets[i]?.header_flags ?? 1)));
    const again = decodeChunks(chunks);
    expect(again.error).toBeUndefined();
    expect(samePackets(again.packets, packets)).toBe(true);
  });
});

describe('encodeGdpPacket rules', () => {
  const buf: GdpPacket = { kind: 'buffer', pts: 1n, dts: 2n, duration: 3n, offset: 4n, offsetEnd: 5n, flags: 0xffff, payload: new Uint8Array([9, 8, 7]) };

  it('returns the buffer payload itself (no copy) and a separate 62-byte header', () => {
    const [header, payload] = encodeGdpPacket(buf);
    expect(payload).toBe(buf.kind === 'buffer' ? buf.payload : null);
    expect(header.buffer).not.toBe(payload.buffer);
  });

  it('masks buffer flags with 0x2C50 as gdppay does, and writes the fields big-endian', () => {
    const h = readGdpHeader(encodeGdpPacket(buf)[0]);
    expect(h.bufferFlags).toBe(0x2c50);
    expect([h.pts, h.dts, h.duration, h.offset, h.offsetEnd]).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(h.flags).toBe(1);
  });

  it('writes gdppay defaults: header CRC on, payload CRC off; CRC flags follow the options', () => {
    expect(readGdpHeader(encodeGdpPacket(buf)[0]).flags).toBe(1);
    expect(readGdpHeader(encodeGdpPacket(buf, { crcHeader: false })[0])).toMatchObject({ flags: 0, headerCrc: 0, payloadCrc: 0 });
    const both = readGdpHeader(encodeGdpPacket(buf, { crcPayload: true })[0]);
    expect(both.flags).toBe(3);
    expect(both.payloadCrc).not.toBe(0);
  });

  it('gives an empty payload CRC 0 even with crcPayload', () => {
    const empty: GdpPacket = { ...buf, payload: new Uint8Array(0) } as GdpPacket;
    expect(readGdpHeader(encodeGdpPacket(empty, { crcPayload: true })[0]).payloadCrc).toBe(0);
    expect(readGdpHeader(encodeGdpPacket({ kind: 'event', eventType: 2563, structure: null }, { crcPayload: true })[0]))
      .toMatchObject({ payloadCrc: 0, payloadLength: 0 });
  });

  it('writes caps with all-zero timing and text plus one NUL', () => {
    const [h, p] = encodeGdpPacket({ kind: 'caps', caps: 'video/x-raw' });
    expect(readGdpHeader(h)).toMatchObject({ payloadType: 2, payloadLength: 12, pts: 0n, duration: 0n, dts: 0n });
    expect(Buffer.from(p).toString('latin1')).toBe('video/x-raw\0');
  });

  it('writes events with timestamp NONE and type (64 + t) mod 65536, wrapping custom types', () => {
    const [h] = encodeGdpPacket({ kind: 'event', eventType: 10254, structure: 'GstEventStreamStart, stream-id=(string)x;' });
    expect(readGdpHeader(h)).toMatchObject({ payloadType: 10318, pts: GST_NONE, duration: 0n, offset: 0n, dts: 0n });
    const custom = encodeGdpPacketBytes({ kind: 'event', eventType: 71686, structure: 'my-custom;' });
    expect(readGdpHeader(custom).payloadType).toBe(6214);
    expect(new GdpDecoder().push(custom)).toEqual([{ kind: 'event', eventType: 6150, structure: 'my-custom;' }]);
    // the wrapped number encodes to the same bytes
    expect(hex(encodeGdpPacketBytes({ kind: 'event', eventType: 6150, structure: 'my-custom;' }))).toBe(hex(custom));
  });

  it('refuses what GDP cannot carry', () => {
    const bad: GdpPacket[] = [
      { ...buf, pts: -1n } as GdpPacket,
      { ...buf, dts: GST_NONE + 1n } as GdpPacket,
      { ...buf, flags: -1 } as GdpPacket,
      { ...buf, flags: 1.5 } as GdpPacket,
      { kind: 'caps', caps: 'a\0b' },
      { kind: 'event', eventType: 65472, structure: null },
      { kind: 'event', eventType: -1, structure: null },
      { kind: 'event', eventType: 1.5, structure: null },
      { kind: 'event', eventType: 0, structure: 'x\0' },
      { kind: 'nope' } as unknown as GdpPacket,
      { ...buf, pts: 5 } as unknown as GdpPacket,
    ];
    for (const p of bad) expect(() => encodeGdpPacket(p), JSON.stringify(p, (_k, v) => typeof v === 'bigint' ? String(v) : v)).toThrow(GdpEncodeError);
  });

  it('encodes non-ASCII text as UTF-8', () => {
    const [, p] = encodeGdpPacket({ kind: 'caps', caps: 'a/ü' });
    expect([...p]).toEqual([0x61, 0x2f, 0xc3, 0xbc, 0]);
  });

  it('joins header and payload with encodeGdpPacketBytes', () => {
    const [h, p] = encodeGdpPacket(buf);
    expect(hex(encodeGdpPacketBytes(buf))).toBe(hex(h) + hex(p));
  });
});
