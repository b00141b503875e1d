/**
 * `HttpStreamer`: Flumotion's HTTP streamer. It eats one muxed feed into a multifdsink driven by an
 * {@link FdSink}, and is the {@link HttpMount} the HTTP hand-off serves: content type from the
 * muxer, ready once the sink has received data (its caps and stream headers come first), 503 past
 * `maxViewers` or when the server's admission check refuses (bandwidth), slow viewers resynced to
 * a keyframe or dropped by policy. Hungry until the first bytes arrive, then happy; hungry again
 * when no data arrives for `starvedAfter` seconds (new viewers then wait for it, bounded).
 * Tests: test/components/http-streamer.test.ts.
 */
import { Deferred, succeed } from '../defer/deferred';
import type { DelayedCall, ReactorTime } from '../defer/time';
import { FdSink } from '../gst/fd-sink';
import type { FdSinkStats } from '../gst/fd-sink-types';
import type { SinkClient } from '../gst/sink-client';
import type { SinkPolicy } from '../gst/sink-options';
import { shardedSinkLaunch } from '../gst/sharding';
import { getLogger } from '../log';
import type { HandoffRequest, HttpMount } from '../protocols/http/handoff';
import type { Transport } from '../reactor/interfaces/transport';
import { Component, branch, type AttachContext, type ComponentStats, type Mood } from './component';
import { ComponentError } from './errors';
import { overflowOrigin } from './overflow';

/** The part of an {@link FdSink} a streamer uses (a fake one in tests). */
export interface StreamerSink {
  stats(): FdSinkStats;
  addClient(transport: Transport): Pick<SinkClient, 'done' | 'remove'>;
}

/** Burst on connect: a new viewer first gets this much of the recent stream, from a keyframe. */
export type Burst = { readonly seconds: number } | { readonly bytes: number };

/** What happens to a viewer that cannot keep up. */
export type SlowViewerPolicy = 'drop' | 'resync';

/** Options of {@link HttpStreamer}. */
export interface HttpStreamerOptions {
  /** The URL path (`/live.webm`). */
  readonly path: string;
  readonly contentType: string;
  /** Most viewers at once; more are answered 503 (default 1000). */
  readonly maxViewers?: number;
  /** `resync` (default) moves a lagging viewer to the latest keyframe; `drop` disconnects it. */
  readonly slowViewers?: SlowViewerPolicy;
  /**
   * Bytes a viewer may lag before the policy applies (default 2 MB; dropped at 4× that). The
   * viewer's kernel send buffer is sized to hold about as much ({@link viewerSendBuffer}).
   */
  readonly lagBytes?: number;
  /** Seconds a viewer may not read at all before it is dropped (default 20). */
  readonly clientTimeout?: number;
  /** Seconds without new data after which a happy streamer turns hungry (default 5). */
  readonly starvedAfter?: number;
  /** Burst on connect (replaces the slow-viewer limits with Flumotion's burst limits). */
  readonly burst?: Burst;
  /**
   * multifdsinks behind a tee (default 1). Each has its own writer thread: at thousands of viewers
   * one thread's writes fill a core; as many as cores share them (docs/benchmarks.md, PITFALLS 17).
   */
  readonly shards?: number;
  /**
   * Flumotion's redirect-on-overflow: where a viewer refused for capacity (`maxViewers`, or the
   * server's bandwidth limit) is sent instead of a 503, an origin like `http://edge-2.example:8800`.
   * The viewer gets `302 Found` with `Location` = that origin + its own path and query (the token
   * goes along, so another edge sharing the secret admits it). A sad streamer still answers 503.
   */
  readonly overflowRedirect?: string;
  /** Seconds a viewer may stay connected; it is then closed (`viewer expired`, why `duration`). Default: no limit. */
  readonly maxViewerSeconds?: number;
}

/** The limits a running streamer can change ({@link HttpStreamer.setLimits}); null lifts one. */
export interface StreamerLimits {
  readonly maxViewers: number;
  readonly overflowRedirect: string | null;
  readonly maxViewerSeconds: number | null;
}

/**
 * `limits` checked for the streamer `name` (the redirect reduced to its origin); throws a
 * {@link ComponentError} that names the streamer and the limit.
 */
export function checkLimits(name: string, limits: StreamerLimits): StreamerLimits {
  const { maxViewers, maxViewerSeconds } = limits;
  if (!Number.isInteger(maxViewers) || maxViewers < 0) throw new ComponentError(`${name}: maxViewers must be a whole number, got ${maxViewers}.`);
  if (maxViewerSeconds !== null && !(maxViewerSeconds > 0)) throw new ComponentError(`${name}: maxViewerSeconds must be more than 0.`);
  return { maxViewers, maxViewerSeconds, overflowRedirect: limits.overflowRedirect === null ? null : overflowOrigin(name, limits.overflowRedirect) };
}

/**
 * Hand-offs are added to the sink in batches collected over this long (FdSinkOptions.addBatchSeconds):
 * each `add` waits out the sink thread's current pass over its viewers, so at thousands of viewers
 * adds one at a time starve admission (docs/benchmarks.md). It delays a viewer's first byte by at most this.
 */
export const ADD_BATCH_SECONDS = 0.05;

/** Per-mount statistics. */
export interface MountStats extends ComponentStats {
  readonly path: string;
  readonly contentType: string;
  readonly viewers: number;
  readonly peakViewers: number;
  /** Viewers admitted since start. */
  readonly served: number;
  /** Requests refused by a limit (answered 503, or 302 with `overflowRedirect`). */
  readonly refused: number;
  /** Of those, the ones sent to `overflowRedirect` (302). */
  readonly redirected: number;
  /** Bytes written to all viewers (the sink's `bytes-served`). */
  readonly bytesServed: string;
  /** The stream's bitrate, bits per second, measured over the last seconds. */
  readonly bitrate: number;
  readonly maxViewers: number;
}

/** Seconds between readiness checks and bitrate samples. */
const SAMPLE_SECONDS = 0.25;
const BITRATE_WINDOW = 2;

/** The sink policy for a slow-viewer setting. */
export function slowViewerPolicy(policy: SlowViewerPolicy, lagBytes: number, clientTimeout: number): SinkPolicy {
  return {
    syncMethod: 'latest-keyframe',
    limits: policy === 'resync'
      ? { format: 'bytes', softMax: lagBytes, hardMax: lagBytes * 4, recoverPolicy: 'keyframe' }
      : { format: 'bytes', hardMax: lagBytes, recoverPolicy: 'none' },
    clientTimeout,
  };
}

/**
 * A viewer socket's SO_SNDBUF for a lag allowance: the kernel, which doubles the value, then holds
 * about `lagBytes` (at least 64 KiB) instead of up to `tcp_wmem`'s maximum hidden from the limits.
 */
export function viewerSendBuffer(lagBytes: number): number {
  return Math.min(2 ** 30, Math.max(32 * 1024, Math.round(lagBytes / 2)));
}

/**
 * Flumotion's burst-on-connect (prior-art A.4, with GStreamer 1.x's `burst-format`/`unit-format`):
 * the sink policy, and the minimum the sink must keep queued (`time-min`/`bytes-min`) so the burst
 * is there to send.
 */
export function burstPolicy(burst: Burst, clientTimeout: number): { readonly policy: SinkPolicy; readonly keep: readonly [string, bigint] } {
  if ('seconds' in burst) {
    const ns = (seconds: number): bigint => BigInt(Math.round(seconds * 1e9));
    const t = burst.seconds;
    return {
      policy: { syncMethod: 'burst-keyframe', burst: { format: 'time', value: ns(t) }, clientTimeout,
        limits: { format: 'time', softMax: ns(t + 8), hardMax: ns(t + 10), recoverPolicy: 'keyframe' } },
      keep: ['time-min', ns(t + 5)],
    };
  }
  const b = Math.round(burst.bytes);
  return {
    policy: { syncMethod: 'burst-keyframe', burst: { format: 'bytes', value: b }, clientTimeout,
      limits: { format: 'bytes', softMax: b + 1024 * 1024, hardMax: b + 2048 * 1024, recoverPolicy: 'keyframe' } },
    keep: ['bytes-min', BigInt(b + 512 * 1024)],
  };
}

/** An HTTP mount fed by a multifdsink. */
export class HttpStreamer extends Component implements HttpMount {
  readonly kind = 'http-streamer';
  readonly feeders: readonly string[] = [];
  readonly path: string;
  readonly contentType: string;
  /** An extra admission check (the server's bandwidth limit): a reason to refuse, or null. */
  admission: ((streamer: HttpStreamer) => string | null) | null = null;
  /** Seconds a viewer may stay (its token's remaining lifetime), or null for no limit; checked at hand-off. */
  viewerDeadline: ((request: HandoffRequest) => number | null) | null = null;
  /** Called when a viewer is refused by a limit, or joins, or leaves (for metrics). */
  onViewer: ((event: 'joined' | 'left' | 'refused', streamer: HttpStreamer) => void) | null = null;
  private readonly policy: SinkPolicy;
  private readonly keep: readonly [string, bigint] | null;
  private readonly shards: number;
  private sink: StreamerSink | null = null;
  private time: ReactorTime | null = null;
  private ready: Deferred<void> | null = null;
  private timer: DelayedCall | null = null;
  private viewerCount = 0;
  private peak = 0;
  private admitted = 0;
  private refusals = 0;
  private redirects = 0;
  private viewerLimit: number;
  private overflow: string | null;
  private maxViewerSeconds: number | null;
  private samples: Array<[number, bigint]> = [];
  private lastBytes = 0n;
  private lastGrowth = 0;
  private readonly starvedAfter: number;
  private rate = 0;

  constructor(name: string, eater: string, options: HttpStreamerOptions) {
    super(name, [eater]);
    this.path = options.path;
    this.contentType = options.contentType;
    const limits = checkLimits(name, { maxViewers: options.maxViewers ?? 1000, overflowRedirect: options.overflowRedirect ?? null,
      maxViewerSeconds: options.maxViewerSeconds ?? null });
    this.viewerLimit = limits.maxViewers;
    this.overflow = limits.overflowRedirect;
    this.maxViewerSeconds = limits.maxViewerSeconds;
    this.starvedAfter = options.starvedAfter ?? 5;
    const timeout = options.clientTimeout ?? 20;
    const burst = options.burst === undefined ? null : burstPolicy(options.burst, timeout);
    const lagBytes = options.lagBytes ?? 2_000_000;
    this.policy = { ...(burst?.policy ?? slowViewerPolicy(options.slowViewers ?? 'resync', lagBytes, timeout)), sendBuffer: viewerSendBuffer(lagBytes) };
    this.keep = burst?.keep ?? null;
    this.shards = options.shards ?? 1;
    if (!Number.isInteger(this.shards) || this.shards < 1 || this.shards > 64) {
      throw new ComponentError(`${name}: shards must be an integer in 1..64.`);
    }
  }

  /** Most viewers at once; more are refused (503, or a redirect). */
  get maxViewers(): number {
    return this.viewerLimit;
  }

  /** The limits in force. */
  get limits(): StreamerLimits {
    return { maxViewers: this.viewerLimit, overflowRedirect: this.overflow, maxViewerSeconds: this.maxViewerSeconds };
  }

  /**
   * Changes the limits while streaming (`torsion serve` on SIGHUP): they apply to the next
   * viewers; viewers already streaming are not closed by a lower `maxViewers`, and keep the
   * duration limit they joined with. Throws a {@link ComponentError} for an invalid value and then
   * changes nothing.
   */
  setLimits(limits: StreamerLimits): void {
    const checked = checkLimits(this.name, limits);
    this.viewerLimit = checked.maxViewers;
    this.overflow = checked.overflowRedirect;
    this.maxViewerSeconds = checked.maxViewerSeconds;
  }

  /** Viewers streaming now. */
  get viewers(): number {
    return this.viewerCount;
  }

  /** The measured bitrate of the stream, bits per second (0 until measured). */
  get bitrate(): number {
    return this.rate;
  }

  fragment(inputs: readonly string[]): string {
    const sink = this.shards === 1 ? `multifdsink name=${this.name}-sink sync=false` : shardedSinkLaunch(`${this.name}-sink`, this.shards);
    return `${branch(inputs[0] ?? '')} ! ${sink}`;
  }

  override attach(context: AttachContext): void {
    const name = `${this.name}-sink`;
    this.attachSink(FdSink.attach(context.pipeline, name, { ...this.policy, addBatchSeconds: ADD_BATCH_SECONDS }), context.time);
    const sinks = this.shards === 1 ? [name] : Array.from({ length: this.shards }, (_, i) => `${name}-${i}`);
    if (this.keep !== null) for (const s of sinks) context.pipeline.setProperty(s, this.keep[0], this.keep[1]);
  }

  /** Uses `sink` for viewers and `time` for readiness checks and bitrate samples. */
  attachSink(sink: StreamerSink, time: ReactorTime): void {
    this.sink = sink;
    this.time = time;
    this.samples = [];
    this.lastBytes = 0n;
    this.rate = 0;
  }

  override start(): Deferred<void> {
    this.setMood('hungry', 'waiting for the first bytes');
    this.lastGrowth = this.time?.seconds() ?? 0;
    this.schedule();
    return succeed(undefined);
  }

  override stop(): Deferred<void> {
    if (this.timer?.active() === true) this.timer.cancel();
    this.timer = null;
    return succeed(undefined);
  }

  // --- HttpMount ---------------------------------------------------------------------------------

  whenReady(): Deferred<unknown> | null {
    if (this.mood === 'happy') return null;
    this.ready ??= new Deferred<void>();
    const d = new Deferred<unknown>();
    this.ready.addCallbacks((v) => { d.callback(v); return v; }, (f) => { d.errback(f); return null; });
    return d;
  }

  /** Also fails the viewers waiting for readiness when the streamer turns sad (they get a 503 at once). */
  override setMood(mood: Mood, reason = ''): void {
    super.setMood(mood, reason);
    const ready = this.ready;
    if (mood === 'sad' && ready !== null) {
      this.ready = null;
      ready.errback(new ComponentError(`${this.path} is not available${reason === '' ? '' : `: ${reason}`}`));
    }
  }

  refusal(_request: HandoffRequest): string | null {
    let reason: string | null = null;
    if (this.mood === 'sad') reason = `${this.path} is not available`;
    else if (this.viewerCount >= this.viewerLimit) reason = `${this.path} has reached ${this.viewerLimit} viewers`;
    else reason = this.admission?.(this) ?? null;
    if (reason !== null) {
      this.refusals += 1;
      this.onViewer?.('refused', this);
    }
    return reason;
  }

  /** After a refusal: where to send the viewer (capacity refusals with `overflowRedirect`), or null for a 503. */
  redirect(request: HandoffRequest): string | null {
    if (this.overflow === null || this.mood === 'sad') return null;
    this.redirects += 1;
    return `${this.overflow}${request.head.target}`;
  }

  handOff(transport: Transport, request: HandoffRequest): void {
    const sink = this.sink;
    if (sink === null) {
      transport.loseConnection();
      return;
    }
    this.viewerCount += 1;
    this.peak = Math.max(this.peak, this.viewerCount);
    this.admitted += 1;
    this.onViewer?.('joined', this);
    const log = getLogger();
    log.info('viewer added', { mount: this.path, peer: request.peer, identity: request.identity });
    const client = sink.addClient(transport);
    // The sooner of the token's end and the mount's duration limit.
    const tokenLeft = this.viewerDeadline?.(request) ?? null;
    const limit = this.maxViewerSeconds;
    const why = tokenLeft !== null && (limit === null || tokenLeft <= limit) ? 'token' : 'duration';
    const left = why === 'token' ? tokenLeft : limit;
    const expiry = left === null || this.time === null ? null : this.time.callLater(Math.max(0, left), () => {
      log.info('viewer expired', { mount: this.path, peer: request.peer, identity: request.identity, why });
      client.remove();
    });
    client.done.addCallback((result) => {
      if (expiry?.active() === true) expiry.cancel();
      this.viewerCount -= 1;
      this.onViewer?.('left', this);
      log.info('viewer left', { mount: this.path, peer: request.peer, reason: result.reason,
        bytesSent: result.bytesSent.toString(), seconds: Math.round(result.seconds) });
      return result;
    });
  }

  // --- stats -------------------------------------------------------------------------------------

  /** The sink's counters (zeros before attach). */
  sinkStats(): FdSinkStats {
    return this.sink?.stats() ?? { clients: 0, handles: 0, bytesServed: 0n, bytesToServe: 0n, buffersQueued: 0 };
  }

  override stats(): MountStats {
    return {
      ...super.stats(),
      path: this.path,
      contentType: this.contentType,
      viewers: this.viewerCount,
      peakViewers: this.peak,
      served: this.admitted,
      refused: this.refusals,
      redirected: this.redirects,
      bytesServed: this.sinkStats().bytesServed.toString(),
      bitrate: Math.round(this.rate),
      maxViewers: this.maxViewers,
    };
  }

  /** One readiness check and bitrate sample (public for tests that drive a Clock). */
  sample(): void {
    const time = this.time;
    if (time === null) return;
    const toServe = this.sinkStats().bytesToServe;
    const now = time.seconds();
    const grew = toServe > this.lastBytes;
    if (grew) {
      this.lastBytes = toServe;
      this.lastGrowth = now;
    }
    if (grew && this.mood === 'hungry') {
      this.setMood('happy');
      const ready = this.ready;
      this.ready = null;
      ready?.callback(undefined);
    } else if (!grew && this.mood === 'happy' && now - this.lastGrowth >= this.starvedAfter) {
      this.setMood('hungry', `no data for ${this.starvedAfter} s`);
    }
    this.samples.push([now, toServe]);
    while (this.samples.length > 2 && (this.samples[1] as [number, bigint])[0] <= now - BITRATE_WINDOW) this.samples.shift();
    const first = this.samples[0] as [number, bigint];
    if (now - first[0] > 0) this.rate = Number(toServe - first[1]) * 8 / (now - first[0]);
  }

  private schedule(): void {
    const time = this.time;
    if (time === null) return;
    this.timer = time.callLater(SAMPLE_SECONDS, () => {
      this.timer = null;
      this.sample();
      this.schedule();
    });
  }
}
