/**
 * Protocol wrappers for the feed handshake: `ChallengeServerProtocol` and `ChallengeClientProtocol`
 * drive a `ChallengeServer`/`ChallengeClient` over `Int16StringReceiver` framing. The server
 * challenges as soon as the connection is made (unless the peer's address is rate limited); with a
 * `time` it closes a peer that has not finished within `deadline` seconds (`AuthDeadline`). On
 * success `handshakeSucceeded` runs and framing stops: every byte after the last handshake frame
 * (even in the same read) is kept for `takeLeftover()`, for the code that then hands the socket to
 * GStreamer. On failure the REJECT is flushed, the connection closed, the typed error logged and
 * passed to `handshakeFailed`. `notifyHandshake()` gives a Deferred of the outcome.
 * Tests: test/protocols/challenge/challenge-protocol.test.ts.
 */
import { Deferred } from '../../defer/deferred';
import type { Failure } from '../../defer/failure';
import type { ReactorTime } from '../../defer/time';
import { getLogger } from '../../log';
import type { Address } from '../../reactor/interfaces/address';
import { AuthDeadline } from '../auth/deadline';
import type { FailureRateLimiter } from '../auth/rate-limiter';
import { ByteQueue } from '../byte-queue';
import { AuthError, AuthRateLimited, ChallengeProtocolError } from '../errors';
import { Int16StringReceiver } from '../int-string-receiver';
import { requireTransport } from '../protocol';
import { ChallengeClient, type ChallengeClientOptions } from './challenge-client';
import { ChallengeServer, type ChallengeServerOptions } from './challenge-server';
import { encodeMessage } from './messages';

/** A finished handshake. */
export interface HandshakeResult {
  /** The client's identity (on both sides). */
  readonly identity: string;
  readonly peer: Address;
}

/** Deadline settings shared by both sides. */
export interface HandshakeTimeOptions {
  /** Enables the deadline. */
  readonly time?: ReactorTime;
  /** Seconds to finish the handshake (default 10). */
  readonly deadline?: number;
}

/** What both wrappers share; see the module comment. */
export abstract class HandshakeProtocol extends Int16StringReceiver {
  override maxLength = 1024;
  private outcome: { ok: HandshakeResult } | { error: Error } | null = null;
  private readonly waiters: Array<Deferred<HandshakeResult>> = [];
  private readonly leftover = new ByteQueue();
  private readonly deadline = new AuthDeadline((error) => {
    if (this.outcome !== null) return;
    this.decide({ error });
    this.handshakeFailed(error);
  });

  constructor(private readonly timing: HandshakeTimeOptions) {
    super();
  }

  /** True once the handshake succeeded. */
  get handshakeDone(): boolean {
    return this.outcome !== null && 'ok' in this.outcome;
  }

  /** A Deferred firing with the result, or failing with the `AuthError` (or the connection loss). */
  notifyHandshake(): Deferred<HandshakeResult> {
    const d = new Deferred<HandshakeResult>();
    if (this.outcome === null) this.waiters.push(d);
    else if ('ok' in this.outcome) d.callback(this.outcome.ok);
    else d.errback(this.outcome.error);
    return d;
  }

  /** How many bytes received after the handshake are waiting for `takeLeftover()`. */
  get leftoverLength(): number {
    return this.leftover.length;
  }

  /** Removes and returns the bytes received after the handshake. */
  takeLeftover(): Buffer {
    return this.leftover.drain();
  }

  /** Hook: the handshake succeeded. */
  handshakeSucceeded(_result: HandshakeResult): void {
    // hook
  }

  /** Hook: the handshake failed (the connection is closing). */
  handshakeFailed(_error: Error): void {
    // hook
  }

  override connectionMade(): void {
    const { time, deadline = 10 } = this.timing;
    if (time !== undefined) this.deadline.start(requireTransport(this), deadline, time);
    this.begin();
  }

  override dataReceived(data: Uint8Array): void {
    if (this.outcome !== null) {
      if ('ok' in this.outcome) this.leftover.push(data);
      return;
    }
    super.dataReceived(data);
  }

  override stringReceived(frame: Buffer): void {
    if (this.outcome !== null) return;
    this.send(this.step(frame));
    this.settle();
  }

  override lengthLimitExceeded(length: number): void {
    this.send([encodeMessage({ type: 'reject', reason: 'malformed' })]);
    this.fail(new ChallengeProtocolError(`a handshake frame of ${length} bytes`));
  }

  override connectionLost(reason: Failure): void {
    this.deadline.cancel();
    if (this.outcome === null) {
      this.decide({ error: reason.value });
      this.handshakeFailed(reason.value);
    }
    super.connectionLost(reason);
  }

  /** Sends the opening frames, if any. */
  protected abstract begin(): void;
  /** Feeds one frame to the state machine; returns the frames to send. */
  protected abstract step(frame: Buffer): Buffer[];
  /** The machine's verdict after a step: an identity, an error, or null (not yet). */
  protected abstract verdict(): { identity: string } | { error: AuthError } | null;

  protected send(frames: readonly Buffer[]): void {
    for (const frame of frames) this.sendString(frame);
  }

  /** Acts on the machine's verdict. */
  protected settle(): void {
    const verdict = this.verdict();
    if (verdict === null) return;
    if ('error' in verdict) {
      this.fail(verdict.error);
      return;
    }
    this.deadline.authenticated();
    this.paused = true; // stop framing: what follows belongs to the feed
    this.leftover.push(this.clearStringBuffer());
    const result = { identity: verdict.identity, peer: requireTransport(this).getPeer() };
    this.decide({ ok: result });
    this.handshakeSucceeded(result);
  }

  protected fail(error: AuthError): void {
    getLogger().warn('feed handshake failed', { error, peer: this.transport?.getPeer() });
    this.deadline.cancel();
    this.decide({ error });
    requireTransport(this).loseConnection();
    this.handshakeFailed(error);
  }

  private decide(outcome: { ok: HandshakeResult } | { error: Error }): void {
    this.outcome = outcome;
    for (const d of this.waiters.splice(0)) {
      if ('ok' in outcome) d.callback(outcome.ok);
      else d.errback(outcome.error);
    }
  }
}

/** Options of {@link ChallengeServerProtocol}. */
export interface ChallengeServerProtocolOptions extends ChallengeServerOptions, HandshakeTimeOptions {
  /** Counts failed handshakes per address and refuses limited addresses at once. */
  readonly limiter?: FailureRateLimiter;
}

/** The accepting side of a feed connection. */
export class ChallengeServerProtocol extends HandshakeProtocol {
  readonly machine: ChallengeServer;
  private readonly limiter: FailureRateLimiter | null;

  constructor(options: ChallengeServerProtocolOptions) {
    super(options);
    this.machine = new ChallengeServer(options);
    this.limiter = options.limiter ?? null;
  }

  protected begin(): void {
    const wait = this.limiter?.retryAfter(requireTransport(this).getPeer()) ?? 0;
    this.send(wait > 0 ? this.machine.refuseNow(Math.ceil(wait)) : this.machine.start());
    this.settle();
  }

  protected step(frame: Buffer): Buffer[] {
    return this.machine.receive(frame);
  }

  protected verdict(): { identity: string } | { error: AuthError } | null {
    if (this.machine.state === 'accepted') return { identity: this.machine.identity as string };
    if (this.machine.state === 'refused') return { error: this.machine.error as AuthError };
    return null;
  }

  protected override fail(error: AuthError): void {
    if (this.limiter !== null && !(error instanceof AuthRateLimited)) this.limiter.recordFailure(requireTransport(this).getPeer());
    super.fail(error);
  }
}

/** Options of {@link ChallengeClientProtocol}. */
export interface ChallengeClientProtocolOptions extends ChallengeClientOptions, HandshakeTimeOptions {}

/** The connecting side of a feed connection. */
export class ChallengeClientProtocol extends HandshakeProtocol {
  readonly machine: ChallengeClient;

  constructor(private readonly clientOptions: ChallengeClientProtocolOptions) {
    super(clientOptions);
    this.machine = new ChallengeClient(clientOptions);
  }

  protected begin(): void {
    // The server speaks first.
  }

  protected step(frame: Buffer): Buffer[] {
    return this.machine.receive(frame);
  }

  protected verdict(): { identity: string } | { error: AuthError } | null {
    if (this.machine.state === 'accepted') return { identity: this.clientOptions.identity };
    if (this.machine.state === 'refused') return { error: this.machine.error as AuthError };
    return null;
  }
}
