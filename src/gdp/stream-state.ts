/**
 * `GdpStreamState`: what a GDP stream has established so far — its sticky events (stream-start,
 * caps, segment, tags, ...) and its header buffers — so that a late joiner can be given a decodable
 * start (`startPackets()`, the same set gdppay advertises in its `streamheader` caps), and so that
 * an eater that reconnects can drop the stream header the feeder replays (PITFALLS 18: replayed
 * streamheaders and repeated segments corrupted Flumotion's output; EOS is swallowed).
 * Tests: test/gdp/stream-state.test.ts.
 */
import { GdpParseError } from './errors';
import { GstEventType, isStickyEventType, isStickyMultiEventType } from './event-types';
import { parseCaps } from './structure-parser';
import {
  GST_BUFFER_FLAG_HEADER, GST_NONE, type GdpBufferPacket, type GdpEventPacket, type GdpPacket,
} from './packet';

/** Sticky slot key: the event type, plus the structure name for sticky-multi types. */
function stickyKey(p: GdpEventPacket): string {
  if (!isStickyMultiEventType(p.eventType)) return String(p.eventType);
  const s = p.structure ?? '';
  const end = s.search(/[,;]/);
  return `${p.eventType}:${end < 0 ? s : s.slice(0, end)}`;
}

function sameBuffer(a: GdpBufferPacket, b: GdpBufferPacket): boolean {
  if (a.payload.length !== b.payload.length || (a.flags & GST_BUFFER_FLAG_HEADER) !== (b.flags & GST_BUFFER_FLAG_HEADER)) return false;
  for (let i = 0; i < a.payload.length; i++) if (a.payload[i] !== b.payload[i]) return false;
  return true;
}

/** Header buffers listed in a caps `streamheader` field, as gdppay re-serializes them. */
export function streamheaderBuffers(caps: string): GdpBufferPacket[] {
  let parsed;
  try {
    parsed = parseCaps(caps);
  } catch (err) {
    if (err instanceof GdpParseError) return [];
    throw err;
  }
  const field = parsed.structures[0]?.structure.fields.get('streamheader');
  if (field === undefined || field.kind !== 'array') return [];
  const out: GdpBufferPacket[] = [];
  for (const item of field.items) {
    if (item.kind !== 'buffer') return [];
    out.push({ kind: 'buffer', pts: GST_NONE, dts: GST_NONE, duration: GST_NONE, offset: GST_NONE, offsetEnd: GST_NONE,
      flags: GST_BUFFER_FLAG_HEADER, payload: item.value });
  }
  return out;
}

/** Tracks sticky events and header buffers; filters a replayed stream header after `reconnect()`. */
export class GdpStreamState {
  private readonly sticky = new Map<string, GdpEventPacket>();
  private caps: string | null = null;
  private headers: GdpBufferPacket[] = [];
  /** Header buffers come from the caps' streamheader field (true) or from HEADER-flagged buffers. */
  private headersFromCaps = false;
  /** A non-header buffer has passed since the current caps (header collection is over). */
  private sawData = false;
  private replaying = false;
  private replayHeaderIndex = 0;
  /**
   * Header buffers passed since the last media buffer. An identical one arriving again in the same
   * run is dropped: a sink that resends its streamheader to a client that joined while the header
   * was still flowing delivers it twice (seen with multifdsink and Vorbis).
   */
  private passedHeaders: GdpBufferPacket[] = [];
  private eos = false;

  /** The current caps text, or null. */
  get currentCaps(): string | null {
    return this.caps;
  }

  /** True once an EOS event packet was seen (and swallowed) since the last reset/stream-start. */
  get eosSeen(): boolean {
    return this.eos;
  }

  /** True between `reconnect()` and the first media buffer of the new connection. */
  get replayMode(): boolean {
    return this.replaying;
  }

  /**
   * Records a packet and says whether to pass it downstream. Returns false for EOS (swallowed, so
   * a feed can reconnect) and, after `reconnect()`, for sticky events, caps and header buffers
   * identical to what the stream already established; the first non-header buffer ends that.
   */
  accept(packet: GdpPacket): boolean {
    switch (packet.kind) {
      case 'caps':
        return this.onCaps(packet.caps);
      case 'event':
        return this.onEvent(packet);
      case 'buffer':
        return this.onBuffer(packet);
    }
  }

  /** Marks the start of a new connection to the same feed: its replayed header will be dropped. */
  reconnect(): void {
    this.replaying = true;
    this.replayHeaderIndex = 0;
    this.passedHeaders = [];
  }

  /** Forgets everything (a different feed). */
  reset(): void {
    this.sticky.clear();
    this.caps = null;
    this.headers = [];
    this.headersFromCaps = false;
    this.sawData = false;
    this.replaying = false;
    this.replayHeaderIndex = 0;
    this.passedHeaders = [];
    this.eos = false;
  }

  /**
   * The packets a late joiner needs before the next media buffer: the sticky events in GStreamer's
   * sticky order (by event type; caps as a caps packet in its slot), then the header buffers.
   */
  startPackets(): GdpPacket[] {
    const events: Array<[number, GdpPacket]> = [...this.sticky.values()].map((e) => [e.eventType, e]);
    if (this.caps !== null) events.push([GstEventType.CAPS, { kind: 'caps', caps: this.caps }]);
    events.sort((a, b) => a[0] - b[0]);
    return [...events.map(([, p]) => p), ...this.headers];
  }

  private onCaps(caps: string): boolean {
    if (caps === this.caps) return !this.replaying;
    this.caps = caps;
    const fromCaps = streamheaderBuffers(caps);
    this.headersFromCaps = fromCaps.length > 0;
    this.headers = fromCaps;
    this.sawData = false;
    this.replayHeaderIndex = 0;
    this.passedHeaders = [];
    // Different caps after a reconnect: a different stream, nothing left to recognise as a replay.
    this.replaying = false;
    return true;
  }

  private onEvent(p: GdpEventPacket): boolean {
    const t = p.eventType;
    if (t === GstEventType.EOS) {
      this.eos = true;
      return false;
    }
    if (t === GstEventType.FLUSH_STOP) {
      this.sticky.delete(String(GstEventType.SEGMENT));
      return true;
    }
    if (!isStickyEventType(t)) return true; // never part of a replayed header
    const key = stickyKey(p);
    const old = this.sticky.get(key);
    if (old !== undefined && old.structure === p.structure) return !this.replaying;
    if (t === GstEventType.STREAM_START) {
      // A new stream: everything it had established is void.
      this.reset();
    }
    this.sticky.set(key, p);
    return true;
  }

  private onBuffer(p: GdpBufferPacket): boolean {
    const isHeader = (p.flags & GST_BUFFER_FLAG_HEADER) !== 0;
    if (isHeader && this.replaying) {
      const expected = this.headers[this.replayHeaderIndex];
      if (expected !== undefined && sameBuffer(expected, p)) {
        this.replayHeaderIndex++;
        return false;
      }
      // A header buffer that differs is a new header: forget the old one.
      if (!this.headersFromCaps) this.headers = [];
      this.sawData = false;
    }
    if (!isHeader) {
      this.replaying = false;
      this.sawData = true;
      this.passedHeaders = [];
      return true;
    }
    if (this.passedHeaders.some((q) => sameBuffer(q, p))) return false;
    this.passedHeaders.push(p);
    if (!this.headersFromCaps) {
      if (this.sawData) {
        this.headers = [];
        this.sawData = false;
      }
      this.headers.push(p);
    }
    return true;
  }
}
