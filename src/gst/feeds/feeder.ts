/**
 * `Feeder`: the sending side of a feed (Flumotion's feeder). It listens (TCP or unix; eaters
 * connect, as in Flumotion's eater-initiated feeds), runs the challenge–response handshake over the
 * Torsion transport for each connection, and hands each authenticated socket to the `multifdsink`
 * behind `… ! gdppay ! multifdsink` through an {@link FdSink}: after the handshake no GDP byte passes
 * through JavaScript. gdppay advertises caps, sticky events and upstream stream headers in its
 * `streamheader`, which multifdsink sends to every new client first, so a late or reconnecting eater
 * starts decodable. The handshake is request/response (the eater sends nothing after its RESPONSE),
 * so there are no leftover bytes to lose at the hand-off (PITFALLS 9).
 * Tests: test/gst/feeds/feed.test.ts, test/gst/feeds/feed-processes.test.ts.
 */
import { Observable, Subject } from 'rxjs';
import { Deferred } from '../../defer/deferred';
import { gatherResults } from '../../defer/deferred-list';
import type { ReactorTime } from '../../defer/time';
import { getLogger } from '../../log';
import type { FailureRateLimiter } from '../../protocols/auth/rate-limiter';
import { ChallengeServerProtocol, type ChallengeServerProtocolOptions, type HandshakeResult } from '../../protocols/challenge/challenge-protocol';
import type { SecretSource } from '../../protocols/challenge/challenge-server';
import { NonceCache } from '../../protocols/challenge/nonce-cache';
import { Factory } from '../../protocols/factory';
import type { Address } from '../../reactor/interfaces/address';
import type { Transport } from '../../reactor/interfaces/transport';
import type { ListenOptions, ListenUNIXOptions, ListeningPort, ReactorTCP, ReactorUNIX } from '../../reactor/interfaces/reactor';
import { FdSink } from '../fd-sink';
import type { Pipeline } from '../pipeline';
import type { ClientResult, SinkClient } from '../sink-client';
import type { SinkPolicy } from '../sink-options';

/** Options of {@link Feeder.attach}. */
export interface FeederOptions {
  /** The secret shared with the eaters, or a lookup by eater identity (null: unknown eater). */
  readonly secret: SecretSource;
  /** Time for the handshake deadline and the nonce cache (the reactor). */
  readonly time: ReactorTime;
  /** Seconds an eater has to finish the handshake (default 10). */
  readonly deadline?: number;
  /** Counts failed handshakes per address; limited addresses are refused before any challenge. */
  readonly limiter?: FailureRateLimiter;
  /** Nonces seen (default: one cache for this feeder, on `time`). */
  readonly nonces?: NonceCache;
  /**
   * The multifdsink policy. Default, as Flumotion's feeders: `latest`, 500 buffers hard / 450 soft
   * with the `latest` recover policy, a 30 s client timeout.
   */
  readonly policy?: SinkPolicy;
}

/** What happened to an eater connection. */
export type FeederEvent =
  | { readonly type: 'accepted'; readonly identity: string; readonly peer: Address; readonly client: SinkClient }
  | { readonly type: 'refused'; readonly peer: Address | null; readonly error: Error }
  | { readonly type: 'left'; readonly identity: string; readonly result: ClientResult };

/** The default multifdsink policy of a feeder (Flumotion's feedcomponent values). */
export const FEEDER_DEFAULT_POLICY: SinkPolicy = {
  syncMethod: 'latest',
  limits: { format: 'buffers', softMax: 450, hardMax: 500, recoverPolicy: 'latest' },
  clientTimeout: 30,
};

/**
 * The launch-line tail of a feeder: `gdppay name=<name>-pay ! multifdsink name=<name> sync=false`.
 * Append it to the producing part (`videotestsrc ! … ! ${feederSinkLaunch('feed')}`).
 */
export function feederSinkLaunch(name: string): string {
  return `gdppay name=${name}-pay ! multifdsink name=${name} sync=false`;
}

interface FeederHooks {
  accepted(protocol: ChallengeServerProtocol, result: HandshakeResult): void;
  refused(protocol: ChallengeServerProtocol, error: Error): void;
}

/** One eater connection: the handshake, then the hand-off to the sink. */
class FeederProtocol extends ChallengeServerProtocol {
  constructor(private readonly hooks: FeederHooks, options: ChallengeServerProtocolOptions) {
    super(options);
  }

  override handshakeSucceeded(result: HandshakeResult): void {
    this.hooks.accepted(this, result);
  }

  override handshakeFailed(error: Error): void {
    this.hooks.refused(this, error);
  }
}

/** The feeder of one pipeline: see the module comment. */
export class Feeder {
  /** The client registry over the feeder's multifdsink. */
  readonly sink: FdSink;
  /** Accepted, refused and departed eaters, on the loop thread. */
  readonly events$: Observable<FeederEvent>;
  /** The factory to listen with (each connection gets a handshake, then the hand-off). */
  readonly factory: Factory<ChallengeServerProtocol>;
  private readonly subject = new Subject<FeederEvent>();
  private readonly ports = new Set<ListeningPort>();
  private readonly eaters = new Map<SinkClient, string>();
  private closed = false;

  /**
   * Wrap the multifdsink named `sinkName` (fed by gdppay) of `pipeline`. Start the pipeline
   * (READY at least) before eaters arrive: one that authenticates earlier is disconnected and
   * retries.
   */
  static attach(pipeline: Pipeline, sinkName: string, options: FeederOptions): Feeder {
    return new Feeder(FdSink.attach(pipeline, sinkName, options.policy ?? FEEDER_DEFAULT_POLICY), options);
  }

  private constructor(sink: FdSink, options: FeederOptions) {
    this.sink = sink;
    this.events$ = this.subject.asObservable();
    const nonces = options.nonces ?? new NonceCache({ clock: options.time });
    const hooks: FeederHooks = {
      accepted: (p, result) => {
        if (p.transport !== null) this.serveEater(p.transport, result);
      },
      refused: (p, error) => this.emit({ type: 'refused', peer: p.transport?.getPeer() ?? null, error }),
    };
    const protocolOptions: ChallengeServerProtocolOptions = {
      secret: options.secret, nonces, time: options.time,
      ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
      ...(options.limiter !== undefined ? { limiter: options.limiter } : {}),
    };
    this.factory = Factory.forProtocol(() => (this.closed ? null : new FeederProtocol(hooks, protocolOptions)));
  }

  /** Eaters currently fed (authenticated and handed to the sink, not yet gone). */
  get eaterCount(): number {
    return this.eaters.size;
  }

  /** The identities of the eaters currently fed. */
  eaterIdentities(): string[] {
    return [...this.eaters.values()];
  }

  /** Listen for eaters on a TCP port (0: any; `getHost().port` tells which). */
  listenTCP(reactor: ReactorTCP, port: number, options: ListenOptions = {}): Deferred<ListeningPort> {
    return reactor.listenTCP(port, this.factory, options).addCallback((p) => this.track(p));
  }

  /** Listen for eaters on a unix socket path. */
  listenUNIX(reactor: ReactorUNIX, path: string, options: ListenUNIXOptions = {}): Deferred<ListeningPort> {
    return reactor.listenUNIX(path, this.factory, options).addCallback((p) => this.track(p));
  }

  /** Remove every eater from the sink (they will reconnect if they can). */
  dropEaters(): void {
    for (const client of this.eaters.keys()) client.remove();
  }

  /**
   * Stop listening and refuse new connections. Eaters already fed stay with the sink until the
   * pipeline stops or is disposed (which releases their fds), or until `dropEaters()`.
   */
  close(): Deferred<void> {
    this.closed = true;
    const ports = [...this.ports];
    this.ports.clear();
    const all = gatherResults(ports.map((p) => p.stopListening()), { consumeErrors: true });
    const d = new Deferred<void>();
    all.addCallbacks(() => {
      this.subject.complete();
      d.callback(undefined);
    }, (failure) => {
      this.subject.complete();
      d.errback(failure);
    });
    return d;
  }

  private track(port: ListeningPort): ListeningPort {
    if (this.closed) {
      port.stopListening();
      return port;
    }
    this.ports.add(port);
    return port;
  }

  /**
   * Hands an eater connection that already passed the handshake (`result`) to the sink: what the
   * feeder's own factory does after its handshake, and what a {@link FeedServer} (one port for
   * several feeders) does after routing. Aborts the transport if the sink cannot take it.
   */
  serveEater(transport: Transport, result: HandshakeResult): void {
    const client = this.sink.addClient(transport);
    client.added.addCallback((added) => {
      if (!added) {
        // Not READY yet, or disposed: the transport was left to us. The eater will retry.
        transport.abortConnection();
        return;
      }
      this.eaters.set(client, result.identity);
      this.emit({ type: 'accepted', identity: result.identity, peer: result.peer, client });
    });
    client.done.addCallback((clientResult) => {
      if (!this.eaters.delete(client)) return;
      getLogger().debug('feed eater left', { identity: result.identity, reason: clientResult.reason });
      this.emit({ type: 'left', identity: result.identity, result: clientResult });
    });
  }

  private emit(event: FeederEvent): void {
    if (!this.subject.closed) this.subject.next(event);
  }
}
