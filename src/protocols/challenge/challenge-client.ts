/**
 * `ChallengeClient`: the client half of the feed handshake (messages in messages.ts) as a pure
 * state machine. `receive(frame)` takes the server's CHALLENGE and gives the RESPONSE (a fresh
 * client nonce and a proof; never the secret), then takes the ACCEPT and checks the server's proof
 * in constant time (state `accepted`), or a REJECT (state `refused`). A challenge whose nonce this
 * client has seen before is refused as a replay. Peer input never makes it throw: failures are a
 * typed `error`. Tests: test/protocols/challenge/challenge-client.test.ts.
 */
import { randomBytes } from 'node:crypto';
import {
  AuthConfigError, AuthError, AuthRateLimited, AuthWrongCredentials, ChallengeProtocolError, ChallengeReplayed,
  ChallengeServerUnverified,
} from '../errors';
import { constantTimeEqual } from '../auth/constant-time';
import { secretBytes } from '../auth/token';
import {
  clientProof, decodeMessage, encodeMessage, HANDSHAKE_VERSION, NONCE_BYTES, serverProof, validIdentity,
  type RejectReason,
} from './messages';
import type { NonceCache } from './nonce-cache';

/** Options of {@link ChallengeClient}. */
export interface ChallengeClientOptions {
  /** Who this client is (1..255 UTF-8 bytes). */
  readonly identity: string;
  /** The secret shared with the server (at least 16 bytes). */
  readonly secret: Uint8Array | string;
  /** Challenge nonces seen by this client (recommended; see nonce-cache.ts). */
  readonly nonces?: NonceCache;
  /** Nonce source (default `crypto.randomBytes`). */
  readonly randomBytes?: (size: number) => Uint8Array;
}

/** Where a handshake stands. */
export type ChallengeClientState = 'waiting' | 'responded' | 'accepted' | 'refused';

function refusalError(reason: RejectReason): AuthError {
  switch (reason) {
    case 'wrong-credentials': return new AuthWrongCredentials('the server refused our proof');
    case 'replayed': return new ChallengeReplayed('the server saw our nonce before');
    case 'rate-limited': return new AuthRateLimited('the server rate-limits this address', 0);
    default: return new ChallengeProtocolError(`the server refused the handshake: ${reason}`);
  }
}

export class ChallengeClient {
  state: ChallengeClientState = 'waiting';
  error: AuthError | null = null;
  private readonly secret: Buffer;
  private serverNonce: Buffer = Buffer.alloc(0);
  private clientNonce: Buffer = Buffer.alloc(0);

  constructor(private readonly options: ChallengeClientOptions) {
    if (!validIdentity(options.identity)) throw new AuthConfigError(`bad feed identity ${JSON.stringify(options.identity)}`);
    this.secret = secretBytes(options.secret);
  }

  /** Takes one frame from the server; returns the frames to send back. */
  receive(frame: Uint8Array): Buffer[] {
    if (this.state === 'accepted' || this.state === 'refused') return [];
    const message = decodeMessage(frame);
    if (message === null) return this.fail(new ChallengeProtocolError('malformed handshake message'), 'malformed');
    if (message.type === 'reject') return this.fail(refusalError(message.reason), null);
    if (this.state === 'waiting') {
      if (message.type !== 'challenge') return this.fail(new ChallengeProtocolError(`expected a challenge, got ${message.type}`), 'unexpected');
      if (message.version !== HANDSHAKE_VERSION) {
        return this.fail(new ChallengeProtocolError(`unsupported handshake version ${message.version}`), 'unexpected');
      }
      if (this.options.nonces?.use(message.serverNonce) === true) {
        return this.fail(new ChallengeReplayed('the server replayed a challenge'), 'replayed');
      }
      this.serverNonce = message.serverNonce;
      this.clientNonce = Buffer.from((this.options.randomBytes ?? randomBytes)(NONCE_BYTES));
      this.state = 'responded';
      const { identity } = this.options;
      return [encodeMessage({
        type: 'response', clientNonce: this.clientNonce, identity,
        proof: clientProof(this.secret, this.serverNonce, this.clientNonce, identity),
      })];
    }
    if (message.type !== 'accept') return this.fail(new ChallengeProtocolError(`expected accept, got ${message.type}`), 'unexpected');
    const expected = serverProof(this.secret, this.serverNonce, this.clientNonce, this.options.identity);
    if (!constantTimeEqual(expected, message.proof)) {
      return this.fail(new ChallengeServerUnverified('the server does not know the shared secret'), null);
    }
    this.state = 'accepted';
    return [];
  }

  /** Refuses; tells the server why unless it is the one that refused. */
  private fail(error: AuthError, reason: RejectReason | null): Buffer[] {
    this.state = 'refused';
    this.error = error;
    return reason === null ? [] : [encodeMessage({ type: 'reject', reason })];
  }
}
