import { describe, expect, it } from 'vitest';
import { checkGdpHeader, readGdpHeader, readU64, writeGdpHeader } from '../../src/gdp/header';
import {
  GdpHeaderCrcError, GdpHeaderError, GdpPayloadTooLargeError, GdpPayloadTypeError, GdpVersionError, GST_NONE,
} from '../../src/gdp/index';
import { loadVectors, validVectors } from './vectors';

const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

describe('readGdpHeader', () => {
  it('reads every field of every vector header as the sidecar lists it', () => {
    let n = 0;
    for (const v of loadVectors()) {
      for (const p of v.json.packets) {
        const h = readGdpHeader(v.bytes, p.byte_offset);
        expect([h.versionMajor, h.versionMinor]).toEqual(p.version);
        const raw = fromHex(p.header_hex);
        expect(h.padding).toBe(raw[3]);
        expect([...h.reserved]).toEqual([...raw.subarray(52, 58)]);
        expect(h).toMatchObject({ flags: p.header_flags, payloadType: p.payload_type, payloadLength: p.payload_length,
          bufferFlags: p.buffer_flags, headerCrc: p.crc_header, payloadCrc: p.crc_payload });
        expect([h.pts, h.duration, h.offset, h.offsetEnd, h.dts].map(String)).toEqual([p.pts, p.duration, p.offset, p.offset_end, p.dts]);
        n++;
      }
    }
    expect(n).toBeGreaterThan(150);
  });

  it('reads 64-bit values exactly on both sides of 2^53 and 2^63', () => {
    const b = new Uint8Array(8);
    const cases = [0n, 1n, 0xffffffffn, 0x1_0000_0000n, (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, 0x0123456789abcdefn,
      1n << 63n, GST_NONE - 1n, GST_NONE];
    for (const v of cases) {
      new DataView(b.buffer).setBigUint64(0, v);
      expect(readU64(b, 0)).toBe(v);
    }
  });
});

describe('writeGdpHeader', () => {
  it('rebuilds every vector header byte for byte', () => {
    for (const v of validVectors()) {
      for (const p of v.json.packets) {
        const h = readGdpHeader(v.bytes, p.byte_offset);
        const out = writeGdpHeader({ flags: h.flags, payloadType: h.payloadType, payloadLength: h.payloadLength, pts: h.pts,
          duration: h.duration, offset: h.offset, offsetEnd: h.offsetEnd, bufferFlags: h.bufferFlags, dts: h.dts, payloadCrc: h.payloadCrc });
        expect(Buffer.from(out).toString('hex')).toBe(p.header_hex);
      }
    }
  });
});

describe('checkGdpHeader', () => {
  // video_raw_i420 packet 3: the annotated example of SPEC.md section 2.
  const good = fromHex('0100010000010000018000000000000000000000000005f5e100000000000000000000000000000000010040ffffffffffffffff000000000000c1990000');

  it('accepts the annotated example header', () => {
    expect(good).toHaveLength(62);
    expect(() => checkGdpHeader(good)).not.toThrow();
    expect(readGdpHeader(good)).toMatchObject({ payloadLength: 384, duration: 100000000n, offsetEnd: 1n, bufferFlags: 0x40, dts: GST_NONE, headerCrc: 0xc199 });
  });

  it('checks in order: CRC, version, flags/padding/reserved, type, length', () => {
    const bad = good.slice();
    bad[0] = 2;
    expect(() => checkGdpHeader(bad)).toThrow(GdpHeaderCrcError);
    expect(() => checkGdpHeader(bad, 0, { verifyCrc: false })).toThrow(GdpVersionError);
    const pad = good.slice();
    pad[3] = 1;
    expect(() => checkGdpHeader(pad, 0, { verifyCrc: false })).toThrow(GdpHeaderError);
    const type = good.slice();
    type[5] = 3;
    expect(() => checkGdpHeader(type, 0, { verifyCrc: false })).toThrow(GdpPayloadTypeError);
    expect(() => checkGdpHeader(good, 0, { maxPayloadBytes: 383 })).toThrow(GdpPayloadTooLargeError);
    expect(() => checkGdpHeader(good, 0, { maxPayloadBytes: 384 })).not.toThrow();
  });

  it('reads at an offset and reports the stream offset', () => {
    const buf = new Uint8Array(100);
    buf.set(good, 10);
    buf[13] = 9;
    try {
      checkGdpHeader(buf, 10, { streamOffset: 5000 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GdpHeaderCrcError);
      expect((e as GdpHeaderCrcError).offset).toBe(5000);
    }
  });
});
