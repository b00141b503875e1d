/**
 * `FdSink`: the client registry over one multifdsink or multisocketsink, or several behind a tee
 * (sharding, PITFALLS 17). `addClient(fdOrTransportOrTlsSocket)` detaches the transport, hands the
 * fd over with `add`/`add-full` and returns a {@link SinkClient}. Ownership follows ARCHITECTURE.md:
 * records are keyed by client object (an fd number maps to at most one live record), fds are
 * closed only on `client-fd-removed`/`client-socket-removed` (PITFALLS 10), and every edge where the
 * sink silently keeps nothing (NULL state, duplicate, bad burst limits; PITFALLS 11) is detected
 * synchronously. Around a pipeline stop, handlers are disconnected first (PITFALLS 6) and whatever
 * is still registered afterwards is closed here. Tests: test/gst/fd-sink.test.ts.
 */
import type { Duplex } from 'node:stream';
import type { DelayedCall } from '../defer/time';
import type { AddClientOptions, ClientSource, Detachable, FdSinkOptions, FdSinkStats } from './fd-sink-types';
import { GstOptionsError, SinkAddError, GstElementNotFound, type SinkAddFailure } from './errors';
import { asPluginElement, factoryName } from './element-util';
import { CLIENT_STATUS, type GioSocketLike, type MultiFdSinkElement, type MultiSocketSinkElement, type SignalTarget } from './elements';
import { closeFd } from './fd-util';
import type { GstCore, GstElement } from './gst';
import type { Host } from './host';
import { internalsOf, type PipelineInternals } from './internals';
import type { StopParticipant } from './participant';
import type { Pipeline } from './pipeline';
import { setSendBuffer } from './send-buffer';
import { StallWatch } from './stall-watch';
import { addFullArgs, applySinkPolicy, validateSinkPolicy, type AddFullArgs } from './sink-options';
import { SinkClient, type ClientEndReason, type ClientOwner } from './sink-client';
import { connectSignal } from './signals';
import { isBridgeConsumer, openBridge, type Bridge, type BridgeConsumer } from './tls-bridge';

export type { AddClientOptions, ClientSource, Detachable, DetachedFd, FdSinkOptions, FdSinkStats } from './fd-sink-types';

type SinkElement = (MultiFdSinkElement | MultiSocketSinkElement) & GstElement;

interface Shard {
  readonly name: string;
  readonly kind: 'fd' | 'socket';
  readonly element: SinkElement;
  handlers: Array<() => void>;
  readonly records: Map<number, ClientRecord>;
}

interface ClientRecord {
  readonly client: SinkClient;
  readonly shard: Shard;
  readonly fd: number;
  socket: GioSocketLike | null;
  readonly bridge: Bridge | null;
  readonly addedAt: number;
  readonly toServeAtAdd: bigint;
  confirmed: boolean;
  duplicate: boolean;
  status: number | null;
  /** The sink emitted client-fd-removed; our close is pending (FD_REUSE_GUARD_SECONDS). */
  releasing: boolean;
  /** Queued for the next batch of adds (`addBatchSeconds`); not in the sink yet. */
  queued: AddFullArgs | null | undefined;
  /** Since when its socket has been full at every stall check (`clientTimeout`), or null. */
  stalledSince: number | null;
  /** Removed by the stall watch: reported as `slow`. */
  timedOut: boolean;
}

const REASONS: Readonly<Record<number, ClientEndReason>> = {
  [CLIENT_STATUS.closed]: 'closed',
  [CLIENT_STATUS.removed]: 'removed',
  [CLIENT_STATUS.slow]: 'slow',
  [CLIENT_STATUS.error]: 'error',
  [CLIENT_STATUS.duplicate]: 'duplicate',
  [CLIENT_STATUS.flushing]: 'removed',
};

const READY = 2;
/** How long a bridged client removed gracefully may take to receive what is still in the pair. */
const BRIDGE_DRAIN_SECONDS = 10;
/**
 * How long a removed client's fd stays open before we close it. multifdsink's poll thread reads
 * readiness from its last poll() results keyed by fd number; if we close the number in
 * `client-fd-removed` and the next viewer's dup gets the same number at once, the thread can apply
 * the old client's hang-up to the new client and drop it right after its response head
 * (PITFALLS 10, seen at 4+ overlapping hand-offs). Holding the number a moment longer keeps the OS
 * from reusing it until the sink's thread has moved on.
 */
const FD_REUSE_GUARD_SECONDS = 0.2;

function isDetachable(x: unknown): x is Detachable {
  return typeof x === 'object' && x !== null && typeof (x as { detach?: unknown }).detach === 'function';
}

/** The client registry over one or more multifdsink/multisocketsink elements of a pipeline. */
export class FdSink implements StopParticipant, ClientOwner {
  private readonly pipeline: PipelineInternals;
  private readonly core: GstCore;
  private readonly host: Host;
  private readonly shards: Shard[];
  /** Every client not yet finished, in the order added. */
  private readonly live = new Set<SinkClient>();
  private readonly recordOf = new Map<SinkClient, ClientRecord>();
  private release: (() => void) | null;
  /** SO_SNDBUF for each client socket (`sendBuffer`), or null to leave the kernel's autotuning. */
  private readonly sendBuffer: number | null;
  /** `addBatchSeconds`, or null to add each client at once. */
  private readonly batchSeconds: number | null;
  /** Clients waiting for the next batch of adds, in arrival order. */
  private queue: ClientRecord[] = [];
  /** The pending flush of {@link queue}, if any. */
  private flushCall: DelayedCall | null = null;
  private stopped = false;
  private final = false;
  /** The client timeout (`clientTimeout`), watched here rather than by the sink (see stall-watch.ts). */
  private readonly watch: StallWatch<ClientRecord> | null;

  /**
   * Wrap the named multifdsink/multisocketsink of `pipeline`; if the name is a `tee`, every sink
   * named `<name>-0`, `<name>-1`, … is a shard (see {@link shardedSinkLaunch}).
   */
  static attach(pipeline: Pipeline, elementName: string, options: FdSinkOptions = {}): FdSink {
    validateSinkPolicy(options);
    const batch = options.addBatchSeconds;
    if (batch !== undefined && !(batch >= 0 && Number.isFinite(batch))) {
      throw new GstOptionsError('addBatchSeconds must be a finite number of seconds >= 0.');
    }
    return new FdSink(internalsOf(pipeline), elementName, options);
  }

  private constructor(pipeline: PipelineInternals, elementName: string, options: FdSinkOptions) {
    this.pipeline = pipeline;
    this.core = pipeline.core;
    this.host = pipeline.host;
    this.sendBuffer = options.sendBuffer ?? null;
    this.batchSeconds = options.addBatchSeconds ?? null;
    const timeout = options.clientTimeout ?? 0;
    this.watch = timeout > 0 ? new StallWatch(this.core, this.host.reactor, timeout, () => this.watchable(), (r) => this.stalled(r)) : null;
    // The sink's own timeout can remove healthy clients (stall-watch.ts): it stays 0.
    const policy: FdSinkOptions = this.watch === null ? options : { ...options, clientTimeout: 0 };
    const first = pipeline.getElement(elementName);
    const names = factoryName(first) === 'tee' ? shardNames(pipeline, elementName) : [elementName];
    this.shards = names.map((name) => this.makeShard(name, pipeline.getElement(name), policy));
    for (const shard of this.shards) this.connect(shard);
    this.release = this.host.hold();
    pipeline.addParticipant(this);
    this.watch?.start();
  }

  /** Number of clients not yet finished (detaching, in the sink, or being removed). */
  get size(): number {
    return this.live.size;
  }

  /** Number of multifdsink elements behind this FdSink. */
  get shardCount(): number {
    return this.shards.length;
  }

  /** The clients not yet finished. */
  clients(): SinkClient[] {
    return [...this.live];
  }

  /** Counters summed over the shards (64-bit ones as bigint). */
  stats(): FdSinkStats {
    let bytesServed = 0n;
    let bytesToServe = 0n;
    let buffersQueued = 0;
    let handles = 0;
    for (const s of this.shards) {
      bytesServed += s.element.bytesServed;
      bytesToServe += s.element.bytesToServe;
      buffersQueued = Math.max(buffersQueued, s.element.buffersQueued);
      handles += s.element.numHandles;
    }
    return { clients: this.live.size, handles, bytesServed, bytesToServe, buffersQueued };
  }

  /**
   * Hand a client to the sink. `source` is an fd we now own, a transport to `detach()`, or a Node
   * stream to bridge (`{bridge: true}`, or any `tls.TLSSocket`). If the sink cannot take it (not
   * READY, disposed, bad options), a transport or stream is left untouched and `done` fires with
   * `rejected`; a raw fd is closed.
   */
  addClient(source: ClientSource, options: AddClientOptions = {}): SinkClient {
    const bridged = typeof source !== 'number'
      && (options.bridge === true ? isStream(source) || isBridgeConsumer(source) : !isDetachable(source) && isStream(source));
    const client = new SinkClient(this, typeof source === 'number' ? 'sink-owned' : 'reactor-owned');
    const problem = this.precondition(options);
    if (problem !== null) {
      if (typeof source === 'number') closeFd(source);
      this.reject(client, problem[0], problem[1], 'rejected');
      return client;
    }
    this.live.add(client);
    if (typeof source === 'number') {
      this.handOver(client, source, options, null);
    } else if (bridged) {
      this.bridge(client, source as Duplex | BridgeConsumer, options);
    } else if (isDetachable(source)) {
      client.setState('detaching');
      source.detach().then(
        (detached) => this.afterDetach(client, detached.fd, options, null),
        (error: unknown) => {
          // A Torsion TLS transport cannot be detached: bridge it instead.
          if ((error as { code?: unknown } | null)?.code === 'TORSION_ERR_DETACH_NOT_SUPPORTED' && isBridgeConsumer(source)) {
            this.bridge(client, source, options);
          } else {
            this.reject(client, 'detach-failed', `The client went away before the hand-off: ${String(error)}`, 'closed', error);
          }
        },
      );
    } else {
      this.reject(client, 'invalid-options', 'addClient needs an fd, a detachable transport or a stream.', 'rejected');
    }
    return client;
  }

  private bridge(client: SinkClient, target: Duplex | BridgeConsumer, options: AddClientOptions): void {
    client.setState('detaching');
    openBridge(target).addCallbacks(
      (bridge) => { this.afterDetach(client, bridge.fd, options, bridge); },
      (failure) => { this.reject(client, 'detach-failed', `Could not bridge the client: ${failure.getErrorMessage()}`, 'closed', failure.value); },
    );
  }

  /** Remove every client (`clear`); their `done` fire as the sink reports them. */
  clear(): void {
    for (const client of [...this.live]) this.removeClient(client, false);
  }

  /** @internal ClientOwner: `SinkClient.remove()`. */
  removeClient(client: SinkClient, flush: boolean): void {
    const record = this.recordOf.get(client);
    if (client.state === 'detaching') {
      client.cancelled = true;
    } else if (record !== undefined && record.queued !== undefined) {
      this.dropQueued(record, 'cancelled', 'Removed before the sink took it.', 'removed');
    } else if (record !== undefined && client.state === 'sink-owned' && !this.stopped) {
      const target = record.socket ?? record.fd;
      const signal = flush ? 'remove-flush' : 'remove';
      if (record.shard.kind === 'fd') (record.shard.element as MultiFdSinkElement).emit(signal, target as number);
      else (record.shard.element as MultiSocketSinkElement).emit(signal, target as GioSocketLike);
    }
  }

  /** @internal StopParticipant: disconnect the handlers that GStreamer threads call (PITFALLS 6). */
  beforeStop(): void {
    this.stopped = true;
    this.watch?.stop();
    for (const shard of this.shards) this.disconnect(shard);
  }

  /** @internal StopParticipant: the sinks are in READY/NULL and forgot their clients: close what is left. */
  afterStop(final: boolean): void {
    this.queue = [];
    if (this.flushCall?.active() === true) this.flushCall.cancel();
    this.flushCall = null;
    for (const shard of this.shards) {
      for (const record of [...shard.records.values()]) this.released(record, record.status ?? CLIENT_STATUS.removed, false);
    }
    if (final) {
      this.final = true;
      this.pipeline.removeParticipant(this);
      this.release?.();
      this.release = null;
      for (const client of [...this.live]) if (client.state !== 'detaching') this.live.delete(client);
      return;
    }
    this.stopped = false;
    for (const shard of this.shards) this.connect(shard);
    this.watch?.start();
  }

  // --- internals ------------------------------------------------------------------------------

  private makeShard(name: string, element: GstElement, options: FdSinkOptions): Shard {
    const factory = factoryName(element);
    if (factory !== 'multifdsink' && factory !== 'multisocketsink') {
      throw new GstElementNotFound(name, `Element '${name}' is a ${factory}, not a multifdsink or multisocketsink.`);
    }
    const sink = asPluginElement<MultiFdSinkElement | MultiSocketSinkElement>(element);
    applySinkPolicy(sink, options);
    return { name, kind: factory === 'multifdsink' ? 'fd' : 'socket', element: sink, handlers: [], records: new Map() };
  }

  private precondition(options: AddClientOptions): [SinkAddFailure, string] | null {
    if (this.final || this.pipeline.isDisposing()) return ['disposed', 'The pipeline was disposed.'];
    if (this.stopped || this.pipeline.currentState() < READY) return ['not-ready', 'The sink is not in READY or above (PITFALLS 11).'];
    try {
      addFullArgs(options, 0);
    } catch (error) {
      return ['invalid-options', (error as Error).message];
    }
    return null;
  }

  private afterDetach(client: SinkClient, fd: number, options: AddClientOptions, bridge: Bridge | null): void {
    const problem = client.cancelled ? (['cancelled', 'Removed while detaching.'] as [SinkAddFailure, string]) : this.precondition(options);
    if (problem !== null) {
      bridge?.destroy();
      closeFd(fd);
      this.reject(client, problem[0], problem[1], problem[0] === 'cancelled' ? 'removed' : 'rejected');
      return;
    }
    this.handOver(client, fd, options, bridge);
  }

  private pickShard(): Shard {
    let best = this.shards[0] as Shard;
    for (const shard of this.shards) if (shard.records.size < best.records.size) best = shard;
    return best;
  }

  private handOver(client: SinkClient, fd: number, options: AddClientOptions, bridge: Bridge | null): void {
    if (this.shards.some((s) => s.records.has(fd))) {
      // The fd is another live client's: never close it (PITFALLS 10).
      this.reject(client, 'refused', `fd ${fd} is already a client of this sink.`, 'duplicate');
      return;
    }
    // A batch goes to one shard: each shard's first add in a flush may wait out a pass over its clients.
    const shard = this.queue[0]?.shard ?? this.pickShard();
    let socket: GioSocketLike | null = null;
    if (shard.kind === 'socket') {
      try {
        socket = this.core.Gio.Socket.newFromFd(fd) as unknown as GioSocketLike;
      } catch (error) {
        bridge?.destroy();
        closeFd(fd);
        this.reject(client, 'refused', `Not a socket: ${String(error)}`, 'rejected', error);
        return;
      }
    }
    if (this.sendBuffer !== null) setSendBuffer(this.core, socket ?? fd, this.sendBuffer);
    const record: ClientRecord = {
      client, shard, fd, socket, bridge, addedAt: this.host.reactor.seconds(), toServeAtAdd: shard.element.bytesToServe,
      confirmed: false, duplicate: false, status: null, releasing: false, queued: undefined, stalledSince: null, timedOut: false,
    };
    shard.records.set(fd, record);
    this.recordOf.set(client, record);
    client.setState('sink-owned', fd);
    const full = addFullArgs(options, shard.element.syncMethod);
    if (this.batchSeconds === null) {
      this.addNow(record, full);
      return;
    }
    record.queued = full;
    this.queue.push(record);
    this.flushCall ??= this.host.post('add clients', () => this.flushQueue(), this.batchSeconds);
  }

  /** Add every queued client, shard by shard, in one tight loop (see `addBatchSeconds`). */
  private flushQueue(): void {
    this.flushCall = null;
    const queue = this.queue;
    this.queue = [];
    const problem = this.precondition({});
    for (const shard of this.shards) {
      for (const record of queue) {
        // A stop in between released it already; a remove dropped it.
        if (record.shard !== shard || record.queued === undefined || shard.records.get(record.fd) !== record) continue;
        if (problem !== null) this.dropQueued(record, problem[0], problem[1], 'rejected');
        else this.addNow(record, record.queued);
      }
    }
  }

  private dropQueued(record: ClientRecord, failure: SinkAddFailure, message: string, reason: ClientEndReason): void {
    record.queued = undefined;
    const i = this.queue.indexOf(record);
    if (i >= 0) this.queue.splice(i, 1);
    record.shard.records.delete(record.fd);
    this.recordOf.delete(record.client);
    record.bridge?.destroy();
    if (record.socket !== null) record.socket.close(); else closeFd(record.fd);
    this.reject(record.client, failure, message, reason);
  }

  private addNow(record: ClientRecord, full: AddFullArgs | null): void {
    record.queued = undefined;
    const { client, shard, fd, socket, bridge } = record;
    if (shard.kind === 'fd') {
      const el = shard.element as MultiFdSinkElement;
      if (full === null) el.emit('add', fd);
      else el.emit('add-full', fd, full.sync, full.minFormat, full.minValue, full.maxFormat, full.maxValue);
    } else {
      const el = shard.element as MultiSocketSinkElement;
      const s = socket as GioSocketLike;
      if (full === null) el.emit('add', s);
      else el.emit('add-full', s, full.sync, full.minFormat, full.minValue, full.maxFormat, full.maxValue);
    }
    // client-added / client-removed(duplicate) are emitted synchronously inside `add` (PITFALLS 11).
    if (record.confirmed) {
      client.added.callback(true);
      return;
    }
    shard.records.delete(fd);
    this.recordOf.delete(client);
    bridge?.destroy();
    if (record.duplicate) {
      this.reject(client, 'refused', `The sink already has fd ${fd}.`, 'duplicate');
    } else {
      if (socket !== null) socket.close(); else closeFd(fd);
      this.reject(client, 'refused', 'The sink refused the client without a signal (not READY or invalid burst limits).', 'rejected');
    }
  }

  /** The clients the stall watch checks: in the sink, not being removed. */
  private *watchable(): Iterable<ClientRecord> {
    for (const shard of this.shards) {
      for (const r of shard.records.values()) if (r.confirmed && !r.releasing && !r.timedOut && r.client.state === 'sink-owned') yield r;
    }
  }

  /** The stall watch found a client whose socket stayed full for the timeout. */
  private stalled(record: ClientRecord): void {
    if (this.stopped || record.shard.records.get(record.fd) !== record || record.releasing || record.client.state !== 'sink-owned') return;
    record.timedOut = true;
    this.removeClient(record.client, false);
  }

  private reject(client: SinkClient, failure: SinkAddFailure, message: string, reason: ClientEndReason, cause?: unknown): void {
    this.live.delete(client);
    this.recordOf.delete(client);
    const error = new SinkAddError(failure, message, cause === undefined ? undefined : { cause });
    client.finish({ reason, bytesSent: 0n, bytesSentExact: true, seconds: 0, error });
  }

  private lookup(shard: Shard, handle: number | GioSocketLike): ClientRecord | undefined {
    return shard.records.get(typeof handle === 'number' ? handle : handle.getFd());
  }

  private connect(shard: Shard): void {
    const el: SignalTarget = shard.element;
    const g = <A extends unknown[]>(what: string, fn: (...a: A) => void): ((...a: A) => void) => this.host.guard(`${shard.name} ${what}`, fn);
    const onAdded = g('client-added', (h: number | GioSocketLike) => {
      const r = this.lookup(shard, h);
      if (r !== undefined) r.confirmed = true;
    });
    const onRemoved = g('client-removed', (h: number | GioSocketLike, status: number) => {
      const r = this.lookup(shard, h);
      if (r === undefined) return;
      if (status === CLIENT_STATUS.duplicate) {
        // About the add that was just refused, never about the live client holding the fd.
        if (!r.confirmed) r.duplicate = true;
        return;
      }
      r.status = status;
      r.client.setState('removed');
    });
    const onFdRemoved = g('client-fd-removed', (h: number | GioSocketLike) => {
      const r = this.lookup(shard, h);
      if (r === undefined || !r.confirmed || r.releasing) return;
      r.releasing = true;
      this.host.reactor.callLater(FD_REUSE_GUARD_SECONDS, () => {
        // Unless a stop released it meanwhile.
        if (shard.records.get(r.fd) === r) this.released(r, r.status ?? CLIENT_STATUS.removed, true);
      });
    });
    shard.handlers = [
      connectSignal(el, 'client-added', onAdded),
      connectSignal(el, 'client-removed', onRemoved),
      connectSignal(el, shard.kind === 'fd' ? 'client-fd-removed' : 'client-socket-removed', onFdRemoved),
    ];
  }

  private disconnect(shard: Shard): void {
    for (const disconnect of shard.handlers) disconnect();
    shard.handlers = [];
  }

  /** The sink forgot the client: close our dup, then (on a later turn if a sink thread waits) report. */
  private released(record: ClientRecord, status: number, fromSignal: boolean): void {
    const { client, shard, fd } = record;
    shard.records.delete(fd);
    this.recordOf.delete(client);
    if (record.socket !== null) record.socket.close(); else closeFd(fd);
    client.setState('released');
    const reason = record.timedOut ? 'slow' : REASONS[status] ?? 'removed';
    const bridge = record.bridge;
    if (bridge !== null) bridge.end(reason === 'closed' || reason === 'removed');
    const report = (): void => {
      this.live.delete(client);
      const estimated = shard.element.bytesToServe - record.toServeAtAdd;
      client.finish({
        reason,
        bytesSent: record.bridge !== null ? record.bridge.bytes : estimated < 0n ? 0n : estimated,
        bytesSentExact: record.bridge !== null,
        seconds: this.host.reactor.seconds() - record.addedAt,
      });
    };
    if (bridge !== null && !bridge.finished.called) {
      // Count what was still in the pair: report once the Node side has forwarded it (bounded).
      const limit = this.host.reactor.callLater(BRIDGE_DRAIN_SECONDS, () => bridge.drop());
      bridge.finished.addCallback(() => {
        if (limit.active()) limit.cancel();
        this.host.post('client done', report);
      });
      return;
    }
    // Never run user callbacks while a GStreamer thread is blocked on this handler.
    if (fromSignal) this.host.post('client done', report); else report();
  }
}

function isStream(x: unknown): boolean {
  return typeof x === 'object' && x !== null && typeof (x as { pipe?: unknown }).pipe === 'function'
    && typeof (x as { write?: unknown }).write === 'function';
}

function shardNames(pipeline: PipelineInternals, prefix: string): string[] {
  const names: string[] = [];
  for (let i = 0; ; i++) {
    try {
      pipeline.getElement(`${prefix}-${i}`);
    } catch {
      break;
    }
    names.push(`${prefix}-${i}`);
  }
  if (names.length === 0) throw new GstElementNotFound(`${prefix}-0`, `Tee '${prefix}' has no shards named ${prefix}-0, ${prefix}-1, …`);
  return names;
}
