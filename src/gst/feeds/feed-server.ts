/**
 * `FeedServer`: one listening port for several feeders (Flumotion's per-worker feed server). An
 * eater names the feed it wants in its handshake identity, `<eater>@<feed>` ({@link feedIdentity});
 * the identity is bound into both proofs, so the feed name is authenticated like the rest. After
 * the handshake the connection is routed to the {@link Feeder} registered under that name, whose
 * sink takes the fd. A feed that is not registered right now (its pipeline is being restarted) is
 * answered by closing the connection: the eater's back-off brings it back. A name that was never
 * offered is refused in the handshake (`AuthWrongCredentials`), so a misconfigured eater stops
 * instead of dialling forever.
 * Tests: test/gst/feeds/feed-server.test.ts.
 */
import { Observable, Subject } from 'rxjs';
import type { Deferred } from '../../defer/deferred';
import { gatherResults } from '../../defer/deferred-list';
import type { ReactorTime } from '../../defer/time';
import { getLogger } from '../../log';
import type { FailureRateLimiter } from '../../protocols/auth/rate-limiter';
import { ChallengeServerProtocol, type ChallengeServerProtocolOptions, type HandshakeResult } from '../../protocols/challenge/challenge-protocol';
import { NonceCache } from '../../protocols/challenge/nonce-cache';
import { Factory } from '../../protocols/factory';
import type { Address } from '../../reactor/interfaces/address';
import type { ListenOptions, ListenUNIXOptions, ListeningPort, ReactorTCP, ReactorUNIX } from '../../reactor/interfaces/reactor';
import { GstOptionsError } from '../errors';
import type { Pipeline } from '../pipeline';
import type { SinkPolicy } from '../sink-options';
import { Feeder } from './feeder';

/** The handshake identity of eater `eater` asking for feed `feed`: `<eater>@<feed>`. */
export function feedIdentity(eater: string, feed: string): string {
  if (eater === '' || feed === '' || feed.includes('@')) throw new GstOptionsError(`bad feed request ${JSON.stringify(`${eater}@${feed}`)}`);
  return `${eater}@${feed}`;
}

/** The eater and feed of an identity made by {@link feedIdentity}, or null. */
export function parseFeedIdentity(identity: string): { readonly eater: string; readonly feed: string } | null {
  const at = identity.lastIndexOf('@');
  if (at <= 0 || at === identity.length - 1) return null;
  return { eater: identity.slice(0, at), feed: identity.slice(at + 1) };
}

/** Options of {@link FeedServer}. */
export interface FeedServerOptions {
  /** The secret every eater shares with this server. */
  readonly secret: Uint8Array | string;
  /** Time for the handshake deadline and the nonce cache (the reactor). */
  readonly time: ReactorTime;
  /** Seconds an eater has to finish the handshake (default 10). */
  readonly deadline?: number;
  /** Counts failed handshakes per address; limited addresses are refused before any challenge. */
  readonly limiter?: FailureRateLimiter;
}

/** What happened to a connection, before a feeder took it (the feeders' own `events$` tell the rest). */
export type FeedServerEvent =
  | { readonly type: 'routed'; readonly feed: string; readonly eater: string; readonly peer: Address }
  | { readonly type: 'unavailable'; readonly feed: string; readonly eater: string; readonly peer: Address }
  | { readonly type: 'refused'; readonly peer: Address | null; readonly error: Error };

class RoutedProtocol extends ChallengeServerProtocol {
  constructor(private readonly server: FeedServer, options: ChallengeServerProtocolOptions) {
    super(options);
  }

  override handshakeSucceeded(result: HandshakeResult): void {
    this.server.route(this, result);
  }

  override handshakeFailed(error: Error): void {
    this.server.emit({ type: 'refused', peer: this.transport?.getPeer() ?? null, error });
  }
}

/** Several named feeds behind one port. */
export class FeedServer {
  /** Routing outcomes and refused handshakes, on the loop thread. */
  readonly events$: Observable<FeedServerEvent>;
  /** The factory to listen with. */
  readonly factory: Factory<ChallengeServerProtocol>;
  private readonly subject = new Subject<FeedServerEvent>();
  private readonly offered = new Set<string>();
  private readonly feeders = new Map<string, Feeder>();
  private readonly ports = new Set<ListeningPort>();
  private closed = false;

  constructor(private readonly options: FeedServerOptions) {
    this.events$ = this.subject.asObservable();
    const secret = options.secret;
    const protocolOptions: ChallengeServerProtocolOptions = {
      // Unknown feed names get no secret: the handshake refuses them (as wrong credentials).
      secret: (identity: string) => {
        const request = parseFeedIdentity(identity);
        return request !== null && this.offered.has(request.feed) ? secret : null;
      },
      nonces: new NonceCache({ clock: options.time }),
      time: options.time,
      ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
      ...(options.limiter !== undefined ? { limiter: options.limiter } : {}),
    };
    this.factory = Factory.forProtocol(() => (this.closed ? null : new RoutedProtocol(this, protocolOptions)));
  }

  /**
   * Declares a feed name this server offers (eaters asking for other names are refused). A feed
   * is offered from before its first feeder exists until {@link withdraw}.
   */
  offer(feed: string): void {
    feedIdentity('x', feed);
    this.offered.add(feed);
  }

  /** Stops offering a feed (and forgets its feeder). */
  withdraw(feed: string): void {
    this.offered.delete(feed);
    this.feeders.delete(feed);
  }

  /** Routes eaters of `feed` to `feeder` (null: none right now, e.g. while its pipeline restarts). Offers the feed. */
  setFeeder(feed: string, feeder: Feeder | null): void {
    this.offer(feed);
    if (feeder === null) this.feeders.delete(feed);
    else this.feeders.set(feed, feeder);
  }

  /**
   * Wraps the multifdsink `sinkName` (fed by gdppay) of `pipeline` in a {@link Feeder} with this
   * server's secret (route eaters to it with {@link setFeeder} once the pipeline runs).
   */
  attachFeeder(pipeline: Pipeline, sinkName: string, policy?: SinkPolicy): Feeder {
    return Feeder.attach(pipeline, sinkName, { secret: this.options.secret, time: this.options.time, ...(policy !== undefined ? { policy } : {}) });
  }

  /** The feed names offered. */
  feeds(): string[] {
    return [...this.offered];
  }

  /** Listen for eaters on a TCP port (0: any; `getHost().port` tells which). */
  listenTCP(reactor: ReactorTCP, port: number, options: ListenOptions = {}): Deferred<ListeningPort> {
    return reactor.listenTCP(port, this.factory, options).addCallback((p) => this.track(p));
  }

  /** Listen for eaters on a unix socket path. */
  listenUNIX(reactor: ReactorUNIX, path: string, options: ListenUNIXOptions = {}): Deferred<ListeningPort> {
    return reactor.listenUNIX(path, this.factory, options).addCallback((p) => this.track(p));
  }

  /** Stops listening and refuses new connections; eaters already handed to feeders stay with them. */
  close(): Deferred<void> {
    this.closed = true;
    const ports = [...this.ports];
    this.ports.clear();
    return gatherResults(ports.map((p) => p.stopListening()), { consumeErrors: true }).addBoth((r) => {
      this.subject.complete();
      return r;
    }).addCallback(() => undefined);
  }

  /** @internal Hands an authenticated connection to its feed's feeder. */
  route(protocol: ChallengeServerProtocol, result: HandshakeResult): void {
    const transport = protocol.transport;
    const request = parseFeedIdentity(result.identity);
    if (transport === null || request === null) return;
    const feeder = this.feeders.get(request.feed);
    if (feeder === undefined) {
      getLogger().info('feed not available right now: the eater will retry', { feed: request.feed, eater: request.eater });
      this.emit({ type: 'unavailable', feed: request.feed, eater: request.eater, peer: result.peer });
      transport.loseConnection();
      return;
    }
    this.emit({ type: 'routed', feed: request.feed, eater: request.eater, peer: result.peer });
    feeder.serveEater(transport, result);
  }

  /** @internal */
  emit(event: FeedServerEvent): void {
    if (!this.subject.closed) this.subject.next(event);
  }

  private track(port: ListeningPort): ListeningPort {
    if (this.closed) {
      port.stopListening();
      return port;
    }
    this.ports.add(port);
    return port;
  }
}
