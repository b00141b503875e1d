import { describe, expect, it } from 'vitest';
import {
  GST_NONE, GdpBufferBeforeCapsError, GdpDecoder, GdpDecoderFailedError, GdpError, GdpHeaderCrcError, GdpHeaderError,
  GdpOptionError, GdpPayloadCrcError, GdpPayloadError, GdpPayloadTooLargeError, GdpPayloadTypeError, GdpTruncatedError,
  GdpVersionError, crc16, encodeGdpPacketBytes, type GdpPacket,
} from '../../src/gdp/index';
import {
  byteByByte, damagedVectors, decodeChunks, expectedPackets, samePackets, splitAt, summarize, validVectors,
  type GdpdepayOutputJson, type Vector,
} from './vectors';

const valid = validVectors();
const damaged = damagedVectors();

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

const CAPS: GdpPacket = { kind: 'caps', caps: 'video/x-raw, format=(string)GRAY8, width=(int)4, height=(int)4' };
const BUF: GdpPacket = { kind: 'buffer', pts: 0n, dts: GST_NONE, duration: 40n, offset: 0n, offsetEnd: 1n, flags: 0x40,
  payload: new Uint8Array(16).fill(7) };

/** Sets header byte(s) and recomputes the header CRC (so only the intended check fails). */
function patchHeader(packet: Uint8Array, at: number, values: number[], fixCrc = true): Uint8Array {
  const out = packet.slice();
  values.forEach((v, k) => { out[at + k] = v; });
  if (fixCrc) {
    const crc = crc16(out, 0, 58);
    out[58] = crc >> 8;
    out[59] = crc & 0xff;
  }
  return out;
}

/** What real gdpdepay pushed, as a comparable list (minus the file source's own final EOS). */
function gdpdepayOutput(v: Vector): unknown[] {
  const out = v.json.gdpdepay.output.slice();
  const last = out[out.length - 1];
  if (last?.kind === 'event' && last.event_name === 'eos') out.pop();
  return out.map((o: GdpdepayOutputJson) => o.kind === 'buffer'
    ? { kind: 'buffer', pts: o.pts, dts: o.dts, duration: o.duration, offset: o.offset, offsetEnd: o.offset_end, flags: o.flags, size: o.size, sha256: o.sha256 }
    : o.event_name === 'caps' ? { kind: 'caps', caps: o.caps } : { kind: 'event', eventType: o.event_type, structure: o.structure ?? null });
}

describe('GdpDecoder on the valid vectors', () => {
  it.each(valid.map((v) => [v.name, v] as const))('%s: decodes to the packets the sidecar lists', (_name, v) => {
    const d = new GdpDecoder();
    const packets = d.push(v.bytes);
    d.end();
    expect(packets.map(summarize)).toEqual(expectedPackets(v.json));
    expect(packets).toHaveLength(v.json.packet_count);
    expect(d.position).toBe(v.bytes.length);
    expect(d.bufferedBytes).toBe(0);
  });

  it.each(valid.filter((v) => v.json.gdpdepay.result === 'eos').map((v) => [v.name, v] as const))(
    '%s: gives what the real gdpdepay pushed', (_name, v) => {
      const { packets, error } = decodeChunks([v.bytes]);
      expect(error).toBeUndefined();
      expect(packets.map(summarize)).toEqual(gdpdepayOutput(v));
    });

  it.each(valid.map((v) => [v.name, v] as const))('%s: same packets byte by byte and split at every offset', (_name, v) => {
    const whole = decodeChunks([v.bytes]).packets;
    const bytewise = decodeChunks(byteByByte(v.bytes));
    expect(bytewise.error).toBeUndefined();
    expect(samePackets(bytewise.packets, whole)).toBe(true);
    const bad: number[] = [];
    for (let cut = 0; cut <= v.bytes.length; cut++) {
      const r = decodeChunks(splitAt(v.bytes, [cut]));
      if (r.error !== undefined || !samePackets(r.packets, whole)) bad.push(cut);
    }
    expect(bad).toEqual([]);
  });

  it.each(valid.map((v) => [v.name, v] as const))('%s: same packets split in three around every header', (_name, v) => {
    const whole = decodeChunks([v.bytes]).packets;
    const bad: string[] = [];
    for (const p of v.json.packets) {
      for (let k = 0; k <= 62; k += 1) {
        const a = p.byte_offset + k;
        const b = Math.min(v.bytes.length, a + 1 + ((k * 37) % 90));
        if (a > v.bytes.length) continue;
        const r = decodeChunks(splitAt(v.bytes, [a, b]));
        if (r.error !== undefined || !samePackets(r.packets, whole)) bad.push(`${a}/${b}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('returns payloads as views of the pushed chunk when they lie in one chunk, else one exact copy', () => {
    const v = valid.find((x) => x.name === 'video_raw_i420') as Vector;
    const packets = new GdpDecoder().push(v.bytes);
    const buffers = packets.filter((p) => p.kind === 'buffer');
    expect(buffers).toHaveLength(5);
    for (const b of buffers) expect(b.payload.buffer).toBe(v.bytes.buffer);

    const first = v.json.packets.find((p) => p.kind === 'buffer');
    const mid = (first?.byte_offset ?? 0) + 62 + 100;
    const split = decodeChunks(splitAt(v.bytes, [mid])).packets.filter((p) => p.kind === 'buffer');
    const spanning = split[0];
    expect(spanning?.payload.buffer).not.toBe(v.bytes.buffer);
    expect(spanning?.payload.byteLength).toBe(384);
    expect(spanning?.payload.buffer.byteLength).toBe(384);
    expect(split[1]?.payload.buffer).toBe(v.bytes.buffer);
  });
});

const expectedError: Record<string, { cls: new (...a: never[]) => GdpError; code: string }> = {
  corrupt_absurd_payload_length: { cls: GdpPayloadTooLargeError, code: 'TORSION_ERR_GDP_PAYLOAD_TOO_LARGE' },
  corrupt_buffer_before_caps: { cls: GdpBufferBeforeCapsError, code: 'TORSION_ERR_GDP_BUFFER_BEFORE_CAPS' },
  corrupt_buffer_version_9_9: { cls: GdpVersionError, code: 'TORSION_ERR_GDP_VERSION' },
  corrupt_garbage_prefix_ff: { cls: GdpHeaderCrcError, code: 'TORSION_ERR_GDP_HEADER_CRC' },
  corrupt_header_crc_flip: { cls: GdpHeaderCrcError, code: 'TORSION_ERR_GDP_HEADER_CRC' },
  corrupt_truncated_payload: { cls: GdpTruncatedError, code: 'TORSION_ERR_GDP_TRUNCATED' },
  corrupt_wrong_payload_type: { cls: GdpPayloadTypeError, code: 'TORSION_ERR_GDP_PAYLOAD_TYPE' },
};

describe('GdpDecoder on the damaged vectors', () => {
  it('has an expected error for every damaged vector', () => {
    expect(damaged.map((v) => v.name).sort()).toEqual(Object.keys(expectedError).sort());
  });

  it.each(damaged.map((v) => [v.name, v] as const))('%s: the chosen typed error, whole, byte by byte and at every split', (name, v) => {
    const want = expectedError[name];
    if (want === undefined) throw new Error(`no expectation for ${name}`);
    const whole = decodeChunks([v.bytes]);
    expect(whole.error).toBeInstanceOf(want.cls);
    expect((whole.error as GdpError).code).toBe(want.code);
    // The packets before the error are the complete packets before the damaged one.
    const damagedAt = (whole.error as GdpError).offset;
    expect(damagedAt).toBeTypeOf('number');
    const before = v.json.packets.filter((p) => p.byte_offset < (damagedAt as number));
    expect(whole.packets).toHaveLength(before.length);
    expect(whole.packets.map(summarize)).toEqual(expectedPackets({ ...v.json, packets: before }));

    const bytewise = decodeChunks(byteByByte(v.bytes));
    expect(bytewise.error).toBeInstanceOf(want.cls);
    expect(samePackets(bytewise.packets, whole.packets)).toBe(true);
    const bad: number[] = [];
    for (let cut = 0; cut <= v.bytes.length; cut++) {
      const r = decodeChunks(splitAt(v.bytes, [cut]));
      if (!(r.error instanceof want.cls) || !samePackets(r.packets, whole.packets)) bad.push(cut);
    }
    expect(bad).toEqual([]);
  });

  it.each(damaged.map((v) => [v.name, v] as const))('%s: stricter than or equal to what gdpdepay did', (name, v) => {
    const r = decodeChunks([v.bytes]);
    const real = v.json.gdpdepay;
    if (real.result === 'error') {
      // Where gdpdepay failed, we fail on the same packet: same output before the error.
      expect(r.packets.map(summarize)).toEqual(gdpdepayOutput(v));
    } else {
      // gdpdepay ended cleanly (it ignored the damage or dropped the tail silently); we raise an
      // error, and everything we delivered before it, gdpdepay delivered too, in the same order.
      expect(r.error).toBeInstanceOf(GdpError);
      expect(gdpdepayOutput(v).slice(0, r.packets.length)).toEqual(r.packets.map(summarize));
    }
    expect(name).toBeTruthy();
  });

  it('refuses an absurd payload length from the header alone, before any payload byte arrives', () => {
    const v = damaged.find((x) => x.name === 'corrupt_absurd_payload_length') as Vector;
    const d = new GdpDecoder();
    expect(d.push(v.bytes.subarray(0, 1283))).toHaveLength(4);
    expect(() => d.push(v.bytes.subarray(1283, 1283 + 62))).toThrow(GdpPayloadTooLargeError);
  });

  it('refuses a text prefix at once (gdpdepay swallows the whole stream)', () => {
    const v = valid.find((x) => x.name === 'video_raw_i420') as Vector;
    // "HTTP/1.0 200 OK": byte 2 'T' = 0x54 has bit 0 clear, so gdpdepay takes it as a header without CRC.
    const prefixed = concat(new TextEncoder().encode('HTTP/1.0 200 OK\r\nContent-Type: application/x-gdp\r\n\r\n'), v.bytes);
    const r = decodeChunks([prefixed]);
    expect(r.error).toBeInstanceOf(GdpVersionError);
    expect(r.packets).toEqual([]);
  });
});

describe('GdpDecoder header checks', () => {
  const capsBytes = encodeGdpPacketBytes(CAPS);
  const bufBytes = encodeGdpPacketBytes(BUF);

  it('refuses unknown flag bits, non-zero padding and reserved bytes', () => {
    expect(decodeChunks([patchHeader(capsBytes, 2, [0x05])]).error).toBeInstanceOf(GdpHeaderError);
    expect(decodeChunks([patchHeader(capsBytes, 3, [1])]).error).toBeInstanceOf(GdpHeaderError);
    for (let i = 52; i < 58; i++) {
      const r = decodeChunks([patchHeader(capsBytes, i, [0x80])]);
      expect(r.error).toBeInstanceOf(GdpHeaderError);
      expect((r.error as Error).message).toContain(`reserved byte ${i}`);
    }
  });

  it('refuses version 0.2 and 1.1 (checked on every packet kind)', () => {
    expect(decodeChunks([patchHeader(capsBytes, 0, [0, 2])]).error).toBeInstanceOf(GdpVersionError);
    expect(decodeChunks([patchHeader(capsBytes, 0, [1, 1])]).error).toBeInstanceOf(GdpVersionError);
  });

  it('accepts payload types 1, 2 and >= 64 only', () => {
    for (const t of [0, 3, 17, 63]) {
      expect(decodeChunks([patchHeader(capsBytes, 4, [t >> 8, t & 0xff])]).error).toBeInstanceOf(GdpPayloadTypeError);
    }
    const ev = decodeChunks([patchHeader(capsBytes, 4, [0, 64])]);
    expect(ev.error).toBeUndefined();
    expect(ev.packets).toEqual([{ kind: 'event', eventType: 0, structure: CAPS.kind === 'caps' ? CAPS.caps : '' }]);
    const top = decodeChunks([patchHeader(capsBytes, 4, [0xff, 0xff])]);
    expect(top.packets).toEqual([expect.objectContaining({ kind: 'event', eventType: 65535 - 64 })]);
  });

  it('checks the header CRC only when flags bit 0 says so, and never when verifyCrc is false', () => {
    const broken = patchHeader(capsBytes, 59, [(capsBytes[59] as number) ^ 1], false);
    expect(decodeChunks([broken]).error).toBeInstanceOf(GdpHeaderCrcError);
    expect(decodeChunks([broken], { verifyCrc: false }).error).toBeUndefined();
    const noCrc = encodeGdpPacketBytes(CAPS, { crcHeader: false });
    expect(noCrc[58]).toBe(0);
    expect(decodeChunks([patchHeader(noCrc, 58, [0x12, 0x34], false)]).error).toBeUndefined();
  });

  it('checks the payload CRC when flags bit 1 says so', () => {
    const withCrc = encodeGdpPacketBytes(CAPS, { crcPayload: true });
    const bad = withCrc.slice();
    bad[70] = (bad[70] as number) ^ 0x20;
    expect(decodeChunks([bad]).error).toBeInstanceOf(GdpPayloadCrcError);
    expect(decodeChunks([bad], { verifyCrc: false }).packets).toHaveLength(1);
    // A corrupted payload without a payload CRC goes through (as in gdpdepay).
    const plain = encodeGdpPacketBytes(CAPS).slice();
    plain[70] = (plain[70] as number) ^ 0x20;
    expect(decodeChunks([plain]).error).toBeUndefined();
  });

  it('enforces maxPayloadBytes inclusively and validates the option', () => {
    const stream = concat(capsBytes, bufBytes);
    expect(decodeChunks([stream], { maxPayloadBytes: 86 }).error).toBeUndefined();
    const r = decodeChunks([stream], { maxPayloadBytes: 16 });
    expect(r.error).toBeInstanceOf(GdpPayloadTooLargeError);
    expect((r.error as GdpError).offset).toBe(0);
    expect(decodeChunks([stream], { maxPayloadBytes: Infinity }).error).toBeUndefined();
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => new GdpDecoder({ maxPayloadBytes: bad })).toThrow(GdpOptionError);
  });

  it('refuses a buffer before caps unless requireCapsBeforeBuffer is false', () => {
    const r = decodeChunks([bufBytes]);
    expect(r.error).toBeInstanceOf(GdpBufferBeforeCapsError);
    const mid = decodeChunks([bufBytes], { requireCapsBeforeBuffer: false });
    expect(mid.error).toBeUndefined();
    expect(mid.packets).toEqual([BUF]);
  });
});

describe('GdpDecoder text payloads', () => {
  function textPacket(type: number, payload: Uint8Array): Uint8Array {
    const h = encodeGdpPacketBytes({ kind: 'caps', caps: 'x' }).subarray(0, 62);
    const len = payload.length;
    return concat(patchHeader(h, 4, [type >> 8, type & 0xff, len >>> 24, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff]), payload);
  }

  it('refuses a caps packet with an empty payload', () => {
    expect(decodeChunks([textPacket(2, new Uint8Array(0))]).error).toBeInstanceOf(GdpPayloadError);
  });

  it('gives an event without payload a null structure', () => {
    expect(decodeChunks([textPacket(2627, new Uint8Array(0))]).packets).toEqual([{ kind: 'event', eventType: 2563, structure: null }]);
  });

  it('requires exactly one NUL, at the end, and valid UTF-8', () => {
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
    expect(decodeChunks([textPacket(2, enc('a/b'))]).error).toBeInstanceOf(GdpPayloadError);
    expect(decodeChunks([textPacket(2, enc('a/b\0c\0'))]).error).toBeInstanceOf(GdpPayloadError);
    expect(decodeChunks([textPacket(2, new Uint8Array([0x61, 0xc3, 0x28, 0]))]).error).toBeInstanceOf(GdpPayloadError);
    expect(decodeChunks([textPacket(2, enc('a/ü\0'))]).packets).toEqual([{ kind: 'caps', caps: 'a/ü' }]);
  });
});

describe('GdpDecoder life cycle', () => {
  const v = valid.find((x) => x.name === 'video_raw_i420') as Vector;

  it('stays failed after an error until reset(), then decodes a valid stream', () => {
    const d = new GdpDecoder();
    const first = (() => { try { d.push(concat(new Uint8Array([1, 0, 1, 0]), new Uint8Array(58))); } catch (e) { return e; } return undefined; })();
    expect(first).toBeInstanceOf(GdpHeaderCrcError);
    expect(d.failed).toBe(true);
    let again: unknown;
    try { d.push(v.bytes); } catch (e) { again = e; }
    expect(again).toBeInstanceOf(GdpDecoderFailedError);
    expect((again as Error).cause).toBe(first);
    expect(() => d.end()).toThrow(GdpDecoderFailedError);
    d.reset();
    expect(d.failed).toBe(false);
    expect(d.push(v.bytes)).toHaveLength(8);
    expect(() => d.end()).not.toThrow();
  });

  it('reports the packets decoded by the failing push() on the error', () => {
    const d = new GdpDecoder();
    const bad = concat(v.bytes, patchHeader(v.bytes.subarray(0, 62), 0, [2]));
    let err: GdpError | undefined;
    try { d.push(bad); } catch (e) { err = e as GdpError; }
    expect(err).toBeInstanceOf(GdpVersionError);
    expect(err?.packets).toHaveLength(8);
    expect(err?.offset).toBe(v.bytes.length);
  });

  it('end() reports a truncated header or payload, and is silent at a packet boundary', () => {
    for (const cut of [1, 61, 62, 100, 197 + 61]) {
      const d = new GdpDecoder();
      d.push(v.bytes.subarray(0, cut));
      expect(() => d.end()).toThrow(GdpTruncatedError);
    }
    const d = new GdpDecoder();
    d.push(v.bytes.subarray(0, 197));
    expect(d.bufferedBytes).toBe(0);
    expect(() => d.end()).not.toThrow();
  });

  it('reset() drops a half-received packet and the caps-seen state', () => {
    const d = new GdpDecoder();
    d.push(v.bytes.subarray(0, 500));
    expect(d.bufferedBytes).toBeGreaterThan(0);
    d.reset();
    expect(d.bufferedBytes).toBe(0);
    expect(d.position).toBe(0);
    expect(() => d.push(encodeGdpPacketBytes(BUF))).toThrow(GdpBufferBeforeCapsError);
  });

  it('decodes empty chunks as nothing', () => {
    const d = new GdpDecoder();
    expect(d.push(new Uint8Array(0))).toEqual([]);
    expect(() => d.end()).not.toThrow();
  });
});
