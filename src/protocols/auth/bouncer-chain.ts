/**
 * `BouncerChain`: several bouncers judged in order, in one of two modes.
 *
 * - `all`: every bouncer must accept; the first refusal is the answer (later bouncers are not
 *   asked). The result's identity is the last bouncer's, and `expiresAt` the earliest one set; so
 *   put cheap gatekeepers (addresses) first and the bouncer that names the user last.
 * - `first`: the first decisive answer wins. A bouncer that does not judge this kind of keycard
 *   (`AuthUnsupportedKeycard`) is skipped; any other refusal (wrong password, expired token,
 *   denied address, rate limited) ends the chain. If no bouncer judged the keycard the chain fails
 *   with `AuthMissingCredentials` (HTTP 401: "send credentials").
 *
 * Tests: test/protocols/auth/bouncer-chain.test.ts.
 */
import { fail, type Deferred } from '../../defer/deferred';
import type { Failure } from '../../defer/failure';
import { AuthMissingCredentials, AuthUnsupportedKeycard, ProtocolUsageError } from '../errors';
import type { AuthResult, Bouncer } from './bouncer';
import type { Keycard } from './keycards';

/** How a chain combines its bouncers (see the module comment). */
export type BouncerChainMode = 'all' | 'first';

export class BouncerChain implements Bouncer {
  constructor(readonly bouncers: readonly Bouncer[], readonly mode: BouncerChainMode = 'all') {
    if (bouncers.length === 0) throw new ProtocolUsageError('a BouncerChain needs at least one bouncer');
  }

  authenticate(keycard: Keycard): Deferred<AuthResult> {
    return this.mode === 'all' ? this.all(keycard, 0, null) : this.first(keycard, 0);
  }

  private ask(index: number, keycard: Keycard): Deferred<AuthResult> {
    const bouncer = this.bouncers[index] as Bouncer;
    try {
      return bouncer.authenticate(keycard);
    } catch (error) {
      return fail(error);
    }
  }

  private all(keycard: Keycard, index: number, expiresAt: number | null): Deferred<AuthResult> {
    return this.ask(index, keycard).addCallback((result: AuthResult): AuthResult | Deferred<AuthResult> => {
      const earliest = expiresAt === null ? result.expiresAt
        : result.expiresAt === null ? expiresAt : Math.min(expiresAt, result.expiresAt);
      if (index + 1 < this.bouncers.length) return this.all(keycard, index + 1, earliest);
      return { ...result, expiresAt: earliest };
    });
  }

  private first(keycard: Keycard, index: number): Deferred<AuthResult> {
    return this.ask(index, keycard).addErrback((failure: Failure): Failure | Deferred<AuthResult> => {
      if (failure.check(AuthUnsupportedKeycard) === null) return failure;
      if (index + 1 < this.bouncers.length) return this.first(keycard, index + 1);
      return fail<AuthResult>(new AuthMissingCredentials('no bouncer in the chain judges this keycard', { cause: failure.value }));
    });
  }
}
