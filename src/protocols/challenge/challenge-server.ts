/**
 * `ChallengeServer`: the server half of the feed handshake (messages in messages.ts) as a pure state
 * machine. `start()` gives the CHALLENGE to send; `receive(frame)` takes the client's RESPONSE and
 * gives the ACCEPT (with the server's own proof: the authentication is mutual) or a REJECT. It
 * never throws on what the peer sends: a bad proof, an unknown identity, a replayed client nonce or
 * a malformed message end in state `refused` with a typed `error`. The secret comparison is
 * constant-time, and an unknown identity costs the same HMAC as a known one.
 * Tests: test/protocols/challenge/challenge-server.test.ts.
 */
import { randomBytes } from 'node:crypto';
import {
  AuthError, AuthRateLimited, AuthWrongCredentials, ChallengeProtocolError, ChallengeReplayed, ProtocolUsageError,
} from '../errors';
import { constantTimeEqual } from '../auth/constant-time';
import { secretBytes } from '../auth/token';
import {
  clientProof, decodeMessage, encodeMessage, HANDSHAKE_VERSION, NONCE_BYTES, serverProof, type RejectReason,
} from './messages';
import type { NonceCache } from './nonce-cache';

/** The shared secret, or a lookup of each client identity's secret (null: unknown identity). */
export type SecretSource = Uint8Array | string | ((identity: string) => Uint8Array | string | null);

/** Options of {@link ChallengeServer}. */
export interface ChallengeServerOptions {
  readonly secret: SecretSource;
  /** Nonces seen by every connection of this server (recommended; see nonce-cache.ts). */
  readonly nonces?: NonceCache;
  /** Nonce source (default `crypto.randomBytes`). */
  readonly randomBytes?: (size: number) => Uint8Array;
}

/** Where a handshake stands. */
export type ChallengeServerState = 'idle' | 'challenged' | 'accepted' | 'refused';

const DUMMY_SECRET = Buffer.alloc(32, 0x42);

export class ChallengeServer {
  state: ChallengeServerState = 'idle';
  /** The client's identity once accepted. */
  identity: string | null = null;
  /** Why the handshake was refused. */
  error: AuthError | null = null;
  private serverNonce: Buffer = Buffer.alloc(0);
  private readonly options: ChallengeServerOptions;

  constructor(options: ChallengeServerOptions) {
    this.options = options;
    if (typeof options.secret !== 'function') secretBytes(options.secret); // fail fast on a short secret
  }

  /** The CHALLENGE to send first. `ProtocolUsageError` if called twice. */
  start(): Buffer[] {
    if (this.state !== 'idle') throw new ProtocolUsageError('ChallengeServer.start: already started');
    this.serverNonce = Buffer.from((this.options.randomBytes ?? randomBytes)(NONCE_BYTES));
    this.state = 'challenged';
    if (this.options.nonces?.use(this.serverNonce) === true) {
      return this.refuse('replayed', new ChallengeReplayed('the random source repeated a server nonce'));
    }
    return [encodeMessage({ type: 'challenge', version: HANDSHAKE_VERSION, serverNonce: this.serverNonce })];
  }

  /** Refuses before or during the handshake (e.g. the address is rate limited). */
  refuseNow(retryAfter: number): Buffer[] {
    return this.refuse('rate-limited', new AuthRateLimited('too many failed attempts', retryAfter));
  }

  /** Takes one frame from the client; returns the frames to send back. */
  receive(frame: Uint8Array): Buffer[] {
    if (this.state !== 'challenged') {
      if (this.state === 'idle') throw new ProtocolUsageError('ChallengeServer.receive before start()');
      return []; // already decided; the connection is closing
    }
    const message = decodeMessage(frame);
    if (message === null) return this.refuse('malformed', new ChallengeProtocolError('malformed handshake message'));
    if (message.type !== 'response') {
      return this.refuse('unexpected', new ChallengeProtocolError(`unexpected ${message.type} message from the client`));
    }
    const { clientNonce, identity } = message;
    const secret = this.secretFor(identity);
    const expected = clientProof(secret ?? DUMMY_SECRET, this.serverNonce, clientNonce, identity);
    const genuine = constantTimeEqual(expected, message.proof) && secret !== null;
    if (clientNonce.equals(this.serverNonce)) {
      return this.refuse('replayed', new ChallengeReplayed(`${identity} sent our own nonce back`));
    }
    if (!genuine) return this.refuse('wrong-credentials', new AuthWrongCredentials(`wrong proof from ${identity}`));
    // Only genuine responses are remembered, so garbage cannot fill the cache.
    if (this.options.nonces?.use(clientNonce) === true) {
      return this.refuse('replayed', new ChallengeReplayed(`a replayed nonce from ${identity}`));
    }
    this.state = 'accepted';
    this.identity = identity;
    return [encodeMessage({ type: 'accept', proof: serverProof(secret, this.serverNonce, clientNonce, identity) })];
  }

  private secretFor(identity: string): Buffer | null {
    const source = this.options.secret;
    const found = typeof source === 'function' ? source(identity) : source;
    if (found === null) return null;
    return typeof found === 'string' ? Buffer.from(found, 'utf8') : Buffer.from(found);
  }

  private refuse(reason: RejectReason, error: AuthError): Buffer[] {
    this.state = 'refused';
    this.error = error;
    return [encodeMessage({ type: 'reject', reason })];
  }
}
