/**
 * `Eater`: the receiving side of a feed (Flumotion's eater). It connects to a {@link Feeder} over
 * TCP or a unix socket, authenticates with the challenge–response, and reconnects after a drop with
 * `ReconnectingClientFactory`'s back-off on the reactor clock, while the pipeline downstream keeps
 * running. Its pipeline reads `fdsrc ! gdpdepay ! …` ({@link eaterSourceLaunch}); the fdsrc reads one
 * end of an in-process socket pair adopted once with `FdSource`, and the network connections, one
 * after another, are written into the other end through a {@link FeedFilter}: EOS swallowed, the
 * replayed stream header dropped, stream-start and segments of later connections dropped and
 * timestamps continued (PITFALLS 18). So one gdpdepay sees one continuous stream. Why not hand the
 * network fd itself to fdsrc (and how that was measured): docs/feeds.md.
 * Tests: test/gst/feeds/eater.test.ts, test/gst/feeds/feed.test.ts, test/gst/feeds/feed-processes.test.ts.
 */
import type { Socket } from 'node:net';
import { Observable, Subject } from 'rxjs';
import { Deferred } from '../../defer/deferred';
import type { Failure } from '../../defer/failure';
import type { DelayedCall, ReactorTime } from '../../defer/time';
import { GdpError } from '../../gdp/errors';
import { getLogger } from '../../log';
import { ChallengeClientProtocol, type ChallengeClientProtocolOptions, type HandshakeResult } from '../../protocols/challenge/challenge-protocol';
import { ChallengeClient } from '../../protocols/challenge/challenge-client';
import type { NonceCache } from '../../protocols/challenge/nonce-cache';
import { AuthError, AuthWrongCredentials, ChallengeServerUnverified } from '../../protocols/errors';
import type { RandomSource } from '../../protocols/random';
import { ReconnectingClientFactory } from '../../protocols/reconnecting-client-factory';
import type { Connector, ConnectOptions, ReactorTCP, ReactorUNIX } from '../../reactor/interfaces/reactor';
import { GstOptionsError } from '../errors';
import { FdSource } from '../fd-source';
import { stealSocketFd } from '../fd-util';
import { internalsOf, type PipelineInternals } from '../internals';
import type { StopParticipant } from '../participant';
import type { Pipeline } from '../pipeline';
import { socketPair } from '../socket-pair';
import { FeedFilter, type FeedFilterStats } from './feed-filter';

/** Options of {@link Eater.attach}. */
export interface EaterOptions {
  /** Who this eater is (1..255 UTF-8 bytes); the feeder sees it. */
  readonly identity: string;
  /** The secret shared with the feeder (at least 16 bytes). */
  readonly secret: Uint8Array | string;
  /** The reactor clock: back-off, handshake deadline, stall watchdog. */
  readonly time: ReactorTime;
  /** Challenge nonces seen by this eater (refuses a replayed challenge). */
  readonly nonces?: NonceCache;
  /** Seconds to finish a handshake (default 10). */
  readonly deadline?: number;
  /** Abort a connection that brought no byte for this many seconds, then reconnect (default 15; 0: never). */
  readonly stallTimeout?: number;
  /** First retry delay in seconds (default 0.5). */
  readonly initialDelay?: number;
  /** Longest retry delay in seconds (default 10). */
  readonly maxDelay?: number;
  /** Back-off growth per retry (default e). */
  readonly factor?: number;
  /** Relative jitter of the delay (default Twisted's 0.1196…). */
  readonly jitter?: number;
  readonly random?: RandomSource;
  /**
   * Keep retrying after a wrong-secret refusal (`AuthWrongCredentials`, or
   * `ChallengeServerUnverified`: the feeder does not know the secret). Default false: stop, see
   * `events$`. Other refusals (deadline, replay, rate limit) are always retried.
   */
  readonly retryOnAuthFailure?: boolean;
  /** Largest GDP payload accepted (default 64 MiB). */
  readonly maxPayloadBytes?: number;
}

/** What happened to the eater's connections. */
export type EaterEvent =
  | { readonly type: 'authenticated'; readonly connection: number; readonly result: HandshakeResult }
  | { readonly type: 'refused'; readonly error: Error; readonly willRetry: boolean }
  | { readonly type: 'lost'; readonly error: Error }
  | { readonly type: 'connect-failed'; readonly error: Error }
  | { readonly type: 'stalled'; readonly seconds: number }
  | { readonly type: 'corrupt'; readonly error: GdpError };

/**
 * The launch-line head of an eater: `fdsrc name=<name> ! gdpdepay name=<name>-depay`. Continue it
 * with the consuming part (`${eaterSourceLaunch('feed')} ! videoconvert ! …`).
 */
export function eaterSourceLaunch(name: string): string {
  return `fdsrc name=${name} ! gdpdepay name=${name}-depay`;
}

class EaterFactory extends ReconnectingClientFactory<ChallengeClientProtocol> {}

/** One feeder of {@link Eater.connectTCPAny}. */
export interface FeederAddress {
  readonly host: string;
  readonly port: number;
}

/** A Connector over several addresses: each `connect()` dials the next one. */
class RotatingConnector implements Connector {
  private index = -1;
  private inner: Connector | null = null;

  constructor(private readonly dial: (index: number) => Connector) {}

  get state(): Connector['state'] {
    return this.inner?.state ?? 'disconnected';
  }

  get transport(): Connector['transport'] {
    return this.inner?.transport ?? null;
  }

  connect(): void {
    if (this.inner !== null && this.inner.state !== 'disconnected') return;
    this.index += 1;
    this.inner = this.dial(this.index);
  }

  stopConnecting(): void {
    this.inner?.stopConnecting();
  }

  disconnect(): void {
    this.inner?.disconnect();
  }

  getDestination(): ReturnType<Connector['getDestination']> {
    if (this.inner === null) throw new GstOptionsError('Not connecting yet.');
    return this.inner.getDestination();
  }
}

/** What an eater connection reports to its {@link Eater}. */
interface EaterHooks {
  data(protocol: ChallengeClientProtocol, data: Uint8Array): void;
  authenticated(protocol: ChallengeClientProtocol, result: HandshakeResult): void;
  refused(error: Error): void;
  lost(protocol: ChallengeClientProtocol, error: Error): void;
}

/** One connection: the handshake, then every byte to the eater's filter. */
class EaterProtocol extends ChallengeClientProtocol {
  constructor(private readonly hooks: EaterHooks, options: ChallengeClientProtocolOptions) {
    super(options);
  }

  override dataReceived(data: Uint8Array): void {
    if (this.handshakeDone) this.hooks.data(this, data);
    else super.dataReceived(data);
  }

  override handshakeSucceeded(result: HandshakeResult): void {
    this.hooks.authenticated(this, result);
  }

  override handshakeFailed(error: Error): void {
    this.hooks.refused(error);
  }

  override connectionLost(reason: Failure): void {
    this.hooks.lost(this, reason.value);
    super.connectionLost(reason);
  }
}

/** The eater of one pipeline: see the module comment. */
export class Eater implements StopParticipant {
  /** Authentications, refusals, drops, on the loop thread. */
  readonly events$: Observable<EaterEvent>;
  private readonly subject = new Subject<EaterEvent>();
  private readonly filter: FeedFilter;
  private readonly factory: EaterFactory;
  private connector: Connector | null = null;
  private current: ChallengeClientProtocol | null = null;
  private authenticatedCount = 0;
  private waiters: Array<{ n: number; d: Deferred<void> }> = [];
  private lastDataAt = 0;
  private watchdog: DelayedCall | null = null;
  private stopped = false;
  private writerOpen = true;
  private waitingForDrain = false;
  private readonly hooks: EaterHooks = {
    data: (p, data) => this.onData(p, data),
    authenticated: (p, result) => this.onAuthenticated(p, result),
    refused: (error) => this.onRefused(error),
    lost: (p, error) => this.onLost(p, error),
  };

  /**
   * Make the eater of the fdsrc named `elementName` (the head of {@link eaterSourceLaunch}). The
   * pipeline must be NULL (fdsrc takes its fd on start; else the Deferred fails with
   * `SinkAddError('not-ready')`); start it afterwards, then connect. Throws `AuthConfigError` for
   * a bad identity or a secret shorter than 16 bytes, `GstOptionsError` for a bad `stallTimeout`.
   */
  static attach(pipeline: Pipeline, elementName: string, options: EaterOptions): Deferred<Eater> {
    if (options.stallTimeout !== undefined && !(options.stallTimeout >= 0 && Number.isFinite(options.stallTimeout))) {
      throw new GstOptionsError('stallTimeout must be a finite number of seconds >= 0.');
    }
    // Fails fast (AuthConfigError) on a bad identity or a short secret, before any socket exists.
    void new ChallengeClient({ identity: options.identity, secret: options.secret });
    const internals = internalsOf(pipeline);
    return socketPair().addCallback(([ours, theirs]) => {
      let fd: number;
      try {
        fd = stealSocketFd(theirs);
      } catch (error) {
        ours.destroy();
        throw error;
      }
      const adopted = FdSource.adopt(pipeline, elementName, fd);
      adopted.addErrback((failure: Failure) => {
        ours.destroy();
        return failure;
      });
      return adopted.addCallback(() => new Eater(internals, ours, options));
    });
  }

  private constructor(private readonly pipeline: PipelineInternals, private readonly writer: Socket, private readonly options: EaterOptions) {
    this.events$ = this.subject.asObservable();
    this.filter = new FeedFilter(options.maxPayloadBytes !== undefined ? { maxPayloadBytes: options.maxPayloadBytes } : {});
    writer.on('error', (error) => getLogger().warn('feed eater: the pipeline side failed', { error }));
    writer.on('close', () => { this.writerOpen = false; });
    this.factory = new EaterFactory({
      clock: options.time,
      initialDelay: options.initialDelay ?? 0.5,
      maxDelay: options.maxDelay ?? 10,
      ...(options.factor !== undefined ? { factor: options.factor } : {}),
      ...(options.jitter !== undefined ? { jitter: options.jitter } : {}),
      ...(options.random !== undefined ? { random: options.random } : {}),
    });
    this.factory.noisy = false;
    this.factory.protocol = () => this.makeProtocol();
    const failed = this.factory.clientConnectionFailed.bind(this.factory);
    this.factory.clientConnectionFailed = (connector, reason) => {
      this.emit({ type: 'connect-failed', error: reason.value });
      failed(connector, reason);
    };
    pipeline.addParticipant(this);
  }

  /** Filter counters: connections, packets in/out, what was dropped, the current timestamp shift. */
  get stats(): FeedFilterStats {
    return this.filter.stats;
  }

  /** Successful handshakes so far. */
  get authentications(): number {
    return this.authenticatedCount;
  }

  /** True while a connection is authenticated and feeding. */
  get feeding(): boolean {
    return this.current?.handshakeDone === true && this.current.connected;
  }

  /** Fires once `n` handshakes have succeeded (at once if they have). */
  whenAuthenticated(n: number): Deferred<void> {
    const d = new Deferred<void>();
    if (this.authenticatedCount >= n) d.callback(undefined);
    else this.waiters.push({ n, d });
    return d;
  }

  /** Connect to a feeder on TCP, and keep reconnecting until {@link stop}. */
  connectTCP(reactor: ReactorTCP, host: string, port: number, options: ConnectOptions = {}): void {
    this.connectWith(() => reactor.connectTCP(host, port, this.factory, options));
  }

  /**
   * Connect to one of several feeders on TCP (a producer and its stand-ins), and keep reconnecting
   * until {@link stop}: each attempt, after a failure or a lost connection, dials the next address
   * in turn, with the usual back-off. The one that answers is kept until it fails.
   */
  connectTCPAny(reactor: ReactorTCP, addresses: readonly FeederAddress[], options: ConnectOptions = {}): void {
    if (addresses.length === 0) throw new GstOptionsError('connectTCPAny needs at least one address.');
    if (addresses.length === 1) {
      const [only] = addresses as [FeederAddress];
      this.connectTCP(reactor, only.host, only.port, options);
      return;
    }
    const rotating = new RotatingConnector((i) => {
      const a = addresses[i % addresses.length] as FeederAddress;
      return reactor.connectTCP(a.host, a.port, this.factory, options);
    });
    // Retry through the rotating connector, not the last address's own one (retry() does nothing after stopTrying()).
    this.factory.clientConnectionLost = (_connector, _reason) => { this.factory.retry(rotating); };
    this.factory.clientConnectionFailed = (_connector, reason) => {
      this.emit({ type: 'connect-failed', error: reason.value });
      this.factory.retry(rotating);
    };
    this.connectWith(() => {
      rotating.connect();
      return rotating;
    });
  }

  /** Where the current (or last) connection attempt goes, `host:port`; null before the first. */
  get destination(): string | null {
    const d = this.connector?.getDestination();
    return d === undefined || d === null || d.type !== 'TCP' ? null : `${d.host}:${d.port}`;
  }

  /** Connect to a feeder on a unix socket, and keep reconnecting until {@link stop}. */
  connectUNIX(reactor: ReactorUNIX, path: string, options: { readonly timeout?: number } = {}): void {
    this.connectWith(() => reactor.connectUNIX(path, this.factory, options));
  }

  /**
   * Stop connecting and drop the current connection. The pipeline keeps running without data; with
   * `eos` the pipeline side is closed so fdsrc ends the stream (EOS downstream). Idempotent.
   */
  stop(options: { readonly eos?: boolean } = {}): void {
    this.stopped = true;
    this.factory.stopTrying();
    this.stopWatchdog();
    this.connector?.disconnect();
    if (options.eos === true && this.writerOpen) this.writer.end();
  }

  /** @internal StopParticipant: nothing of ours runs on a streaming thread. */
  beforeStop(): void {
    // fdsrc emits no signals to JS.
  }

  /** @internal StopParticipant: fdsrc closed its end; the eater is over (a new pipeline run needs a new Eater). */
  afterStop(_final: boolean): void {
    this.stop();
    this.writer.destroy();
    this.pipeline.removeParticipant(this);
    for (const w of this.waiters.splice(0)) w.d.cancel();
    this.subject.complete();
  }

  private connectWith(make: () => Connector): void {
    if (this.connector !== null) throw new GstOptionsError('This eater is already connecting to a feeder.');
    if (this.stopped) throw new GstOptionsError('This eater was stopped.');
    this.connector = make();
  }

  private makeProtocol(): ChallengeClientProtocol | null {
    if (this.stopped) return null;
    const { identity, secret, time, nonces, deadline } = this.options;
    return new EaterProtocol(this.hooks, {
      identity, secret, time,
      ...(nonces !== undefined ? { nonces } : {}),
      ...(deadline !== undefined ? { deadline } : {}),
    });
  }

  private onAuthenticated(protocol: ChallengeClientProtocol, result: HandshakeResult): void {
    this.factory.resetDelay();
    this.current = protocol;
    this.filter.reconnect();
    this.authenticatedCount++;
    this.emit({ type: 'authenticated', connection: this.authenticatedCount, result });
    this.waiters = this.waiters.filter((w) => {
      if (this.authenticatedCount < w.n) return true;
      w.d.callback(undefined);
      return false;
    });
    this.lastDataAt = this.options.time.seconds();
    this.startWatchdog(protocol);
    const leftover = protocol.takeLeftover();
    if (leftover.length > 0) this.onData(protocol, leftover);
  }

  private onRefused(error: Error): void {
    if (!(error instanceof AuthError)) return; // a lost connection: onLost reports it
    // A wrong secret (ours or the feeder's) does not fix itself; a deadline, a replay or a rate
    // limit may pass.
    const wrongSecret = error instanceof AuthWrongCredentials || error instanceof ChallengeServerUnverified;
    const permanent = wrongSecret && this.options.retryOnAuthFailure !== true;
    if (permanent) this.factory.stopTrying();
    this.emit({ type: 'refused', error, willRetry: !permanent && !this.stopped });
  }

  private onLost(protocol: ChallengeClientProtocol, error: Error): void {
    if (this.current !== protocol) return;
    this.current = null;
    this.stopWatchdog();
    this.emit({ type: 'lost', error });
  }

  private onData(protocol: ChallengeClientProtocol, data: Uint8Array): void {
    if (this.current !== protocol || !this.writerOpen) return;
    this.lastDataAt = this.options.time.seconds();
    let parts: Uint8Array[];
    try {
      parts = this.filter.push(data);
    } catch (error) {
      if (!(error instanceof GdpError)) throw error;
      getLogger().warn('feed eater: corrupt GDP from the feeder, reconnecting', { error });
      this.emit({ type: 'corrupt', error });
      protocol.transport?.abortConnection();
      return;
    }
    if (parts.length === 0) return;
    this.writer.cork();
    let room = true;
    for (const part of parts) room = this.writer.write(part);
    this.writer.uncork();
    if (!room && !this.waitingForDrain) {
      // gdpdepay is behind: stop reading the network until the pair drains.
      this.waitingForDrain = true;
      const transport = protocol.transport;
      transport?.pauseProducing();
      this.writer.once('drain', () => {
        this.waitingForDrain = false;
        if (this.current === protocol) transport?.resumeProducing();
      });
    }
  }

  private startWatchdog(protocol: ChallengeClientProtocol): void {
    this.stopWatchdog();
    const limit = this.options.stallTimeout ?? 15;
    if (limit === 0) return;
    const check = (): void => {
      this.watchdog = null;
      if (this.current !== protocol) return;
      const idle = this.options.time.seconds() - this.lastDataAt;
      if (idle >= limit) {
        getLogger().warn('feed eater: no data, reconnecting', { seconds: idle });
        this.emit({ type: 'stalled', seconds: idle });
        protocol.transport?.abortConnection();
        return;
      }
      this.watchdog = this.options.time.callLater(Math.max(limit - idle, 0.05), check);
    };
    this.watchdog = this.options.time.callLater(limit, check);
  }

  private stopWatchdog(): void {
    if (this.watchdog?.active() === true) this.watchdog.cancel();
    this.watchdog = null;
  }

  private emit(event: EaterEvent): void {
    if (!this.subject.closed) this.subject.next(event);
  }
}
