/**
 * `FeedFilter`: the eater's reconnect hygiene (PITFALLS 18, Flumotion bug #1359) as a pure,
 * push-driven filter over GDP bytes. Each connection to a feeder is pushed in with `push(chunk)`;
 * what comes out is whole GDP packets (re-encoded byte for byte as gdppay writes them) that make
 * one continuous stream for a single gdpdepay downstream, whatever happened to the connections:
 *
 * - EOS is never passed on (a dropped or restarted feeder is not the end of the stream);
 * - after `reconnect()`, the replayed stream header — identical sticky events, caps and header
 *   buffers — is dropped (`GdpStreamState`); a changed caps or header passes;
 * - after `reconnect()`, stream-start and segment events are dropped (the stream goes on in the
 *   first segment), and buffer timestamps are fixed up. A connection whose stream-start is the
 *   first one's (the same feeder, reconnected) keeps its timestamps, and its buffers already passed
 *   (timestamps behind the last one passed, e.g. a burst) are dropped. Otherwise (a restarted
 *   feeder, which starts counting again near 0), if the connection's first timestamp is behind
 *   what was passed, every timestamp of that connection is shifted so the stream continues just
 *   after the last buffer passed;
 * - a packet cut by the drop is discarded with the rest of the old connection (the decoder is reset).
 *
 * No I/O, no GStreamer: tests run on bytes. Tests: test/gst/feeds/feed-filter.test.ts.
 */
import { GdpDecoder } from '../../gdp/decoder';
import { encodeGdpPacket } from '../../gdp/encoder';
import { GstEventType } from '../../gdp/event-types';
import { GST_BUFFER_FLAG_HEADER, GST_NONE, type GdpBufferPacket, type GdpPacket } from '../../gdp/packet';
import { GdpStreamState } from '../../gdp/stream-state';

/** What the filter did so far (all connections). */
export interface FeedFilterStats {
  /** Connections started (`reconnect()` calls + 1 once data arrived). */
  readonly connections: number;
  readonly packetsIn: number;
  readonly packetsOut: number;
  /** Media (non-header) buffers passed. */
  readonly buffersOut: number;
  /** EOS events swallowed. */
  readonly eosDropped: number;
  /** Replayed caps, sticky events and header buffers dropped after a reconnect. */
  readonly replayDropped: number;
  /** stream-start and segment events dropped after a reconnect. */
  readonly segmentsDropped: number;
  /** Buffers of a reconnection to the same stream that had already been passed. */
  readonly overlapDropped: number;
  /** The shift applied to the current connection's timestamps, in nanoseconds (0n if none). */
  readonly shift: bigint;
}

/** Options of {@link FeedFilter}. */
export interface FeedFilterOptions {
  /** Largest GDP payload accepted (default the decoder's 64 MiB). */
  readonly maxPayloadBytes?: number;
}

function shifted(ts: bigint, shift: bigint): bigint {
  return ts === GST_NONE || shift === 0n ? ts : ts + shift;
}

/** See the module comment. */
export class FeedFilter {
  private readonly decoder: GdpDecoder;
  private readonly state = new GdpStreamState();
  private connection = 0;
  private started = false;
  /** Timestamp (ns) just after the last buffer passed; null before the first timed buffer. */
  private nextTs: bigint | null = null;
  /** The shift of the current connection; null until its first timed media buffer. */
  private currentShift: bigint | null = 0n;
  private counters = {
    packetsIn: 0, packetsOut: 0, buffersOut: 0, eosDropped: 0, replayDropped: 0, segmentsDropped: 0, overlapDropped: 0,
  };
  /** The first connection's stream-start text (its stream id). */
  private firstStreamStart: string | null = null;
  /** The current (reconnected) connection carries the first connection's stream. */
  private sameStream = false;

  constructor(private readonly options: FeedFilterOptions = {}) {
    this.decoder = this.makeDecoder();
  }

  /** Counters, for logs and tests. */
  get stats(): FeedFilterStats {
    return { ...this.counters, connections: this.connection + (this.started ? 1 : 0), shift: this.currentShift ?? 0n };
  }

  /** True once a packet of the current connection was pushed. */
  get connectionStarted(): boolean {
    return this.started;
  }

  /**
   * A new connection to the same feed begins: the bytes of the old one still buffered (a cut
   * packet) are dropped, and its replayed header will be filtered. Harmless before any data.
   */
  reconnect(): void {
    this.decoder.reset();
    if (!this.started && this.connection === 0) return; // nothing passed yet: still the first connection
    if (this.started) this.connection++;
    this.started = false;
    this.state.reconnect();
    this.currentShift = null;
    this.sameStream = false;
  }

  /**
   * Takes bytes of the current connection (any chunk boundaries) and returns the GDP packets to
   * pass downstream, each as header and payload. Throws the decoder's `GdpError` on a corrupt
   * stream; the caller drops that connection (and calls `reconnect()` before the next one).
   */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const packet of this.decoder.push(chunk)) {
      this.started = true;
      this.counters.packetsIn++;
      const passed = this.filter(packet);
      if (passed === null) continue;
      const [header, payload] = encodeGdpPacket(passed);
      out.push(header);
      if (payload.length > 0) out.push(payload);
      this.counters.packetsOut++;
    }
    return out;
  }

  private filter(packet: GdpPacket): GdpPacket | null {
    if (packet.kind === 'event') {
      if (packet.eventType === GstEventType.EOS) {
        this.state.accept(packet);
        this.counters.eosDropped++;
        return null;
      }
      if (packet.eventType === GstEventType.STREAM_START) {
        if (this.connection === 0) this.firstStreamStart ??= packet.structure;
        else this.sameStream = packet.structure === this.firstStreamStart;
      }
      const restart = packet.eventType === GstEventType.STREAM_START || packet.eventType === GstEventType.SEGMENT;
      if (restart && this.connection > 0) {
        this.counters.segmentsDropped++;
        return null;
      }
    }
    if (!this.state.accept(packet)) {
      this.counters.replayDropped++;
      return null;
    }
    return packet.kind === 'buffer' ? this.restamp(packet) : packet;
  }

  private restamp(p: GdpBufferPacket): GdpBufferPacket | null {
    const header = (p.flags & GST_BUFFER_FLAG_HEADER) !== 0;
    const ts = p.pts !== GST_NONE ? p.pts : p.dts;
    if (this.currentShift === null && !header && ts !== GST_NONE) {
      // First timed media buffer of a reconnected connection: continue, never go back.
      const behind = this.nextTs !== null && ts < this.nextTs;
      if (behind && this.sameStream) {
        this.counters.overlapDropped++;
        return null; // already passed on the previous connection
      }
      this.currentShift = behind && this.nextTs !== null ? this.nextTs - ts : 0n;
    }
    const shift = this.currentShift ?? 0n;
    const out: GdpBufferPacket = shift === 0n ? p : { ...p, pts: shifted(p.pts, shift), dts: shifted(p.dts, shift) };
    if (!header) {
      this.counters.buffersOut++;
      const outTs = out.pts !== GST_NONE ? out.pts : out.dts;
      if (outTs !== GST_NONE) {
        const end = outTs + (out.duration !== GST_NONE ? out.duration : 1n);
        if (this.nextTs === null || end > this.nextTs) this.nextTs = end;
      }
    }
    return out;
  }

  private makeDecoder(): GdpDecoder {
    return new GdpDecoder(this.options.maxPayloadBytes !== undefined ? { maxPayloadBytes: this.options.maxPayloadBytes } : {});
  }
}
