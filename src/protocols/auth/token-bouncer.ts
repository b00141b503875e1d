/**
 * `HmacTokenBouncer`: judges `HmacTokenKeycard`s (token format in token.ts). In order: a missing
 * token → `AuthMissingCredentials` (401); a malformed or forged one → `AuthWrongCredentials` (401);
 * a genuine but expired one → `AuthExpired` (403); a genuine one for another path →
 * `AuthOutOfScope` (403). Expiry is read from an injected `WallClock` (Unix seconds; see
 * wall-clock.ts), so tests drive it with `Clock`. Tests: test/protocols/auth/token-bouncer.test.ts.
 */
import { fail, succeed, type Deferred } from '../../defer/deferred';
import {
  AuthExpired, AuthMissingCredentials, AuthOutOfScope, AuthUnsupportedKeycard, AuthWrongCredentials,
} from '../errors';
import type { AuthResult, Bouncer } from './bouncer';
import type { Keycard } from './keycards';
import { pathInScope, secretBytes, verifyTokenSignature } from './token';
import type { WallClock } from './wall-clock';

/** Options of {@link HmacTokenBouncer}. */
export interface HmacTokenBouncerOptions {
  /** The shared secret (at least 16 bytes). */
  readonly secret: Uint8Array | string;
  /** Unix time. */
  readonly clock: WallClock;
}

export class HmacTokenBouncer implements Bouncer {
  private readonly secret: Buffer;
  private readonly clock: WallClock;

  constructor(options: HmacTokenBouncerOptions) {
    this.secret = secretBytes(options.secret);
    this.clock = options.clock;
  }

  authenticate(keycard: Keycard): Deferred<AuthResult> {
    if (keycard.kind !== 'hmac-token') {
      return fail(new AuthUnsupportedKeycard(`the token bouncer does not judge ${keycard.kind} keycards`));
    }
    if (keycard.token === '') return fail(new AuthMissingCredentials('a token is required'));
    const claims = verifyTokenSignature(this.secret, keycard.token);
    if (claims === null) return fail(new AuthWrongCredentials('the token is malformed or its signature does not verify'));
    if (this.clock.seconds() >= claims.expiresAt) {
      return fail(new AuthExpired(`the token for ${claims.path} expired at ${claims.expiresAt}`));
    }
    if (!pathInScope(claims.path, keycard.path)) {
      return fail(new AuthOutOfScope(`the token for ${claims.path} does not cover ${keycard.path}`));
    }
    return succeed({ identity: `token:${claims.path}`, expiresAt: claims.expiresAt, keycard });
  }
}
