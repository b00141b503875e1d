import { describe, expect, it } from 'vitest';
import {
  GST_BUFFER_FLAG_HEADER, GST_NONE, GdpDecoder, crcOptionsFromFlags, encodeGdpPacket, encodeGdpPacketBytes, type GdpPacket,
} from '../../src/gdp/index';
import { GstEventType } from '../../src/gdp/event-types';
import { GdpStreamState, streamheaderBuffers } from '../../src/gdp/stream-state';
import { decodeChunks, samePackets, sha256, validVectors, type Vector } from './vectors';

interface SrcCaps { streamheader: Array<{ sha256: string; kind: string; identical_to_packet: number | null }> }

const withHeaders = validVectors().filter((v) => (v.json as unknown as { gdppay_src_caps?: SrcCaps }).gdppay_src_caps !== undefined);
const byName = (n: string): Vector => validVectors().find((v) => v.name === n) as Vector;

function feed(state: GdpStreamState, packets: readonly GdpPacket[]): GdpPacket[] {
  return packets.filter((p) => state.accept(p));
}

describe('GdpStreamState.startPackets', () => {
  it.each(withHeaders.map((v) => [v.name, v] as const))('%s: gives the packets of gdppay\'s streamheader caps, byte for byte', (_n, v) => {
    const packets = new GdpDecoder().push(v.bytes);
    const state = new GdpStreamState();
    feed(state, packets);
    const start = state.startPackets();
    const want = (v.json as unknown as { gdppay_src_caps: SrcCaps }).gdppay_src_caps.streamheader;
    const crc = crcOptionsFromFlags(v.json.packets[0]?.header_flags ?? 1);
    // gdppay lists only the caps' streamheader buffers; we add HEADER-flagged stream buffers when
    // the caps have none (synth_buffer_metadata has one), so that such streams get a start too.
    const extra = start.slice(want.length);
    expect(extra.every((p) => p.kind === 'buffer' && (p.flags & 0x400) !== 0)).toBe(true);
    expect(extra.length > 0).toBe(v.name === 'synth_buffer_metadata');
    const ours = start.slice(0, want.length);
    expect(ours.map((p) => p.kind)).toEqual(want.map((w) => w.kind));
    expect(ours.map((p) => sha256(encodeGdpPacketBytes(p, crc)))).toEqual(want.map((w) => w.sha256));
  });

  it('lets a late joiner decode: start packets then the stream from any later buffer', () => {
    const v = byName('vorbis_elementary');
    const packets = new GdpDecoder().push(v.bytes);
    const state = new GdpStreamState();
    const joinAt = 10;
    feed(state, packets.slice(0, joinAt));
    const late = [...state.startPackets(), ...packets.slice(joinAt)];
    const r = decodeChunks(late.flatMap((p) => encodeGdpPacket(p)));
    expect(r.error).toBeUndefined();
    expect(r.packets[0]).toMatchObject({ kind: 'event', eventType: GstEventType.STREAM_START });
    expect(r.packets.filter((p) => p.kind === 'buffer' && (p.flags & 0x400) !== 0)).toHaveLength(3);
  });

  it('keeps the latest segment and tags per scope, drops the segment on flush-stop', () => {
    const v = byName('synth_events_seek');
    const packets = new GdpDecoder().push(v.bytes);
    const state = new GdpStreamState();
    feed(state, packets.slice(0, 10)); // up to and including flush-stop
    expect(state.startPackets().map((p) => (p.kind === 'event' ? p.eventType : p.kind))).toEqual([GstEventType.STREAM_START, 'caps', GstEventType.TAG]);
    feed(state, packets.slice(10));
    expect(state.startPackets().map((p) => (p.kind === 'event' ? p.eventType : p.kind))).toEqual([GstEventType.STREAM_START, 'caps', GstEventType.SEGMENT, GstEventType.TAG]);
    expect(state.currentCaps).toContain('width=(int)2');
  });

  it('collects HEADER-flagged buffers when the caps carry no streamheader, and restarts after data', () => {
    const state = new GdpStreamState();
    const hdr = (b: number): GdpPacket => ({ kind: 'buffer', pts: GST_NONE, dts: GST_NONE, duration: GST_NONE, offset: GST_NONE, offsetEnd: GST_NONE, flags: 0x400, payload: new Uint8Array([b]) });
    const data: GdpPacket = { kind: 'buffer', pts: 0n, dts: 0n, duration: 1n, offset: 0n, offsetEnd: 1n, flags: 0, payload: new Uint8Array([9]) };
    feed(state, [{ kind: 'caps', caps: 'x/y' }, hdr(1), hdr(2), data]);
    expect(state.startPackets().filter((p) => p.kind === 'buffer')).toEqual([hdr(1), hdr(2)]);
    feed(state, [hdr(3), data]);
    expect(state.startPackets().filter((p) => p.kind === 'buffer')).toEqual([hdr(3)]);
  });

  it('a new stream-start voids what the old stream established', () => {
    const state = new GdpStreamState();
    feed(state, [{ kind: 'event', eventType: GstEventType.STREAM_START, structure: 'GstEventStreamStart, stream-id=(string)a;' },
      { kind: 'caps', caps: 'x/y' }, { kind: 'event', eventType: GstEventType.STREAM_START, structure: 'GstEventStreamStart, stream-id=(string)b;' }]);
    expect(state.startPackets()).toEqual([{ kind: 'event', eventType: GstEventType.STREAM_START, structure: 'GstEventStreamStart, stream-id=(string)b;' }]);
    expect(state.currentCaps).toBeNull();
  });
});

describe('GdpStreamState after reconnect (PITFALLS 18)', () => {
  it.each(withHeaders.map((v) => [v.name, v] as const))('%s: drops the replayed stream header, passes what follows', (_n, v) => {
    const packets = new GdpDecoder().push(v.bytes);
    const firstData = packets.findIndex((p) => p.kind === 'buffer' && (p.flags & 0x400) === 0);
    const before = packets.slice(0, firstData + 1);
    const after = packets.slice(firstData + 1);
    const state = new GdpStreamState();
    expect(feed(state, before)).toHaveLength(before.length);
    const replay = state.startPackets();
    state.reconnect();
    expect(state.replayMode).toBe(true);
    expect(feed(state, replay)).toEqual([]);
    const passed = feed(state, after);
    expect(state.replayMode).toBe(false);
    expect(samePackets(passed, after.filter((p) => !(p.kind === 'event' && p.eventType === GstEventType.EOS)))).toBe(true);
  });

  it('passes a changed stream header after reconnect (the feed really changed)', () => {
    const state = new GdpStreamState();
    feed(state, [{ kind: 'caps', caps: 'audio/x-vorbis, streamheader=(buffer)< 0102 >' }]);
    state.reconnect();
    const changed: GdpPacket = { kind: 'caps', caps: 'audio/x-vorbis, streamheader=(buffer)< 0103 >' };
    expect(state.accept(changed)).toBe(true);
    expect(state.accept({ kind: 'buffer', pts: GST_NONE, dts: GST_NONE, duration: GST_NONE, offset: GST_NONE, offsetEnd: GST_NONE, flags: 0x400, payload: new Uint8Array([1, 3]) })).toBe(true);
  });

  it('passes a different segment during replay, drops an identical one, and always swallows EOS', () => {
    const seg = (start: number): GdpPacket => ({ kind: 'event', eventType: GstEventType.SEGMENT, structure: `GstEventSegment, start=${start};` });
    const state = new GdpStreamState();
    feed(state, [{ kind: 'caps', caps: 'a/b' }, seg(0)]);
    state.reconnect();
    expect(state.accept(seg(0))).toBe(false);
    expect(state.accept(seg(5))).toBe(true);
    expect(state.accept({ kind: 'event', eventType: GstEventType.EOS, structure: null })).toBe(false);
    expect(state.eosSeen).toBe(true);
  });

  it('reads streamheader buffers from caps and ignores caps it cannot parse', () => {
    expect(streamheaderBuffers('a/b, streamheader=(buffer)< 00ff, 01 >').map((b) => [...b.payload])).toEqual([[0, 255], [1]]);
    expect(streamheaderBuffers('a/b, streamheader=(int)< 1 >')).toEqual([]);
    expect(streamheaderBuffers('not caps ((')).toEqual([]);
    const st = new GdpStreamState();
    st.accept({ kind: 'caps', caps: 'a/b' });
    st.reset();
    expect(st.startPackets()).toEqual([]);
  });
});

describe('GdpStreamState: a header delivered twice in one run', () => {
  const buffer = (payload: number[], header: boolean): GdpPacket => ({
    kind: 'buffer', pts: GST_NONE, dts: GST_NONE, duration: GST_NONE, offset: GST_NONE, offsetEnd: GST_NONE,
    flags: header ? GST_BUFFER_FLAG_HEADER : 0, payload: Uint8Array.from(payload),
  });

  it('drops an identical header buffer repeated before any media (a sink resending its streamheader)', () => {
    const state = new GdpStreamState();
    const h1 = buffer([1, 2, 3], true);
    const h2 = buffer([4, 5], true);
    const passed = [h1, h2, h1, h2, buffer([9], false), h1].map((p) => state.accept(p));
    // The repeat before media is dropped; after media, a header is a new header and passes.
    expect(passed).toEqual([true, true, false, false, true, true]);
  });
});
