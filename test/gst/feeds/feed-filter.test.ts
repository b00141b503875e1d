/**
 * FeedFilter on bytes (no GStreamer): the first connection passes byte for byte except EOS, however
 * it is cut; after a reconnect the replayed header is dropped, stream-start and segments are
 * dropped, buffers of the same stream already passed are dropped, a restarted stream's timestamps
 * continue; a changed caps passes; a packet cut by the drop is discarded; a
 * corrupt stream raises the decoder's error and the next connection works.
 */
import { describe, expect, it } from 'vitest';
import { GdpDecoder } from '../../../src/gdp/decoder';
import { encodeGdpPacketBytes } from '../../../src/gdp/encoder';
import { GdpError } from '../../../src/gdp/errors';
import { GstEventType } from '../../../src/gdp/event-types';
import { GST_BUFFER_FLAG_HEADER, GST_NONE, type GdpBufferPacket, type GdpPacket } from '../../../src/gdp/packet';
import { FeedFilter } from '../../../src/gst/feeds/feed-filter';

const MS = 1_000_000n;
const CAPS = 'video/x-raw, format=(string)I420, width=(int)4, height=(int)2, framerate=(fraction)10/1';
const segment = (start: bigint): GdpPacket => ({
  kind: 'event', eventType: GstEventType.SEGMENT,
  structure: `GstEventSegment, segment=(GstSegment)"segment, flags=(GstSegmentFlags)GST_SEGMENT_FLAG_NONE, rate=(double)1, applied-rate=(double)1, format=(GstFormat)time, base=(guint64)0, offset=(guint64)0, start=(guint64)${start}, stop=(guint64)18446744073709551615, time=(guint64)0, position=(guint64)${start}, duration=(guint64)18446744073709551615;";`,
});
const streamStart = (id: string): GdpPacket => ({ kind: 'event', eventType: GstEventType.STREAM_START, structure: `GstEventStreamStart, stream-id=(string)${id}, flags=(GstStreamFlags)GST_STREAM_FLAG_NONE, group-id=(uint)1;` });
const EOS: GdpPacket = { kind: 'event', eventType: GstEventType.EOS, structure: null };
const frame = (pts: bigint, fill = 1): GdpBufferPacket => ({
  kind: 'buffer', pts, dts: GST_NONE, duration: 100n * MS, offset: GST_NONE, offsetEnd: GST_NONE, flags: 0, payload: new Uint8Array(12).fill(fill),
});
const headerBuffer: GdpBufferPacket = { ...frame(GST_NONE, 7), duration: GST_NONE, flags: GST_BUFFER_FLAG_HEADER };

function bytes(packets: GdpPacket[]): Uint8Array {
  return Buffer.concat(packets.map((p) => encodeGdpPacketBytes(p)));
}

function decode(parts: Uint8Array[]): GdpPacket[] {
  return new GdpDecoder({ requireCapsBeforeBuffer: false }).push(Buffer.concat(parts));
}

const kinds = (ps: GdpPacket[]): Array<string | number> => ps.map((p) => (p.kind === 'event' ? p.eventType : p.kind));
const header = (id: string, start = 0n): GdpPacket[] => [streamStart(id), { kind: 'caps', caps: CAPS }, segment(start), headerBuffer];

describe('FeedFilter', () => {
  it('passes the first connection byte for byte, except EOS, however the input is cut', () => {
    const stream = [...header('a'), frame(0n), frame(100n * MS), frame(200n * MS)];
    const input = bytes([...stream, EOS]);
    const expected = Buffer.from(bytes(stream));
    for (let cut = 0; cut <= input.length; cut += 7) {
      const f = new FeedFilter();
      const out = [...f.push(input.subarray(0, cut)), ...f.push(input.subarray(cut))];
      expect(Buffer.concat(out).equals(expected)).toBe(true);
      expect(f.stats.eosDropped).toBe(1);
    }
  });

  it('drops the replayed header after a reconnect to the same feeder; timestamps move on unshifted', () => {
    const f = new FeedFilter();
    f.push(bytes([...header('a'), frame(0n), frame(100n * MS)]));
    f.reconnect();
    const out = decode(f.push(bytes([...header('a'), frame(900n * MS)])));
    expect(kinds(out)).toEqual(['buffer']);
    expect((out[0] as GdpBufferPacket).pts).toBe(900n * MS);
    expect(f.stats).toMatchObject({ connections: 2, replayDropped: 2, segmentsDropped: 2, shift: 0n, buffersOut: 3 });
  });

  it('drops buffers a reconnection to the same stream had already passed (a burst)', () => {
    const f = new FeedFilter();
    f.push(bytes([...header('a'), frame(0n), frame(100n * MS), frame(200n * MS)]));
    f.reconnect();
    const out = decode(f.push(bytes([...header('a'), frame(100n * MS), frame(200n * MS), frame(300n * MS)])));
    expect(out.map((p) => (p as GdpBufferPacket).pts)).toEqual([300n * MS]);
    expect(f.stats).toMatchObject({ overlapDropped: 2, shift: 0n });
  });

  it('continues the timestamps of a restarted feeder and drops its stream-start and segment', () => {
    const f = new FeedFilter();
    f.push(bytes([...header('a'), frame(0n), frame(100n * MS), frame(200n * MS), EOS]));
    f.reconnect();
    const out = decode(f.push(bytes([...header('b', 0n), frame(0n), frame(100n * MS)])));
    expect(kinds(out)).toEqual(['buffer', 'buffer']);
    expect(out.map((p) => (p as GdpBufferPacket).pts)).toEqual([300n * MS, 400n * MS]);
    expect(f.stats.shift).toBe(300n * MS);
    // Another drop: the shift is worked out again from what was passed.
    f.reconnect();
    const again = decode(f.push(bytes([...header('c'), frame(50n * MS)])));
    expect(again.map((p) => (p as GdpBufferPacket).pts)).toEqual([500n * MS]);
  });

  it('passes a changed caps after a reconnect', () => {
    const f = new FeedFilter();
    f.push(bytes([...header('a'), frame(0n)]));
    f.reconnect();
    const wider = CAPS.replace('width=(int)4', 'width=(int)8');
    const out = decode(f.push(bytes([streamStart('b'), { kind: 'caps', caps: wider }, segment(0n), frame(0n)])));
    expect(kinds(out)).toEqual(['caps', 'buffer']);
  });

  it('discards a packet cut by the drop', () => {
    const f = new FeedFilter();
    const first = bytes([...header('a'), frame(0n), frame(100n * MS)]);
    const passed = f.push(first.subarray(0, first.length - 5));
    expect(kinds(decode(passed)).filter((k) => k === 'buffer')).toHaveLength(2); // header buffer + frame 0
    f.reconnect();
    const out = decode(f.push(bytes([...header('a'), frame(200n * MS)])));
    expect(out.map((p) => (p as GdpBufferPacket).pts)).toEqual([200n * MS]);
  });

  it('throws the decoder error on a corrupt stream; the next connection is fine', () => {
    const f = new FeedFilter();
    f.push(bytes([...header('a'), frame(0n)]));
    expect(() => f.push(new Uint8Array(80).fill(0xff))).toThrow(GdpError);
    f.reconnect();
    const out = decode(f.push(bytes([...header('a'), frame(100n * MS)])));
    expect(kinds(out)).toEqual(['buffer']);
  });

  it('treats a reconnect before any data as the first connection', () => {
    const f = new FeedFilter();
    f.reconnect();
    const out = decode(f.push(bytes([...header('a'), frame(0n)])));
    expect(kinds(out)).toEqual([GstEventType.STREAM_START, 'caps', GstEventType.SEGMENT, 'buffer', 'buffer']);
    expect(f.stats.connections).toBe(1);
  });
});
