/**
 * The bouncer contract (Flumotion's): `authenticate(keycard)` answers with a Deferred that fires
 * with an {@link AuthResult} or fails with an `AuthError` subclass. Bouncers never throw: a
 * programming error inside one also arrives as a failed Deferred. Tests: the bouncer tests in
 * test/protocols/auth/.
 */
import type { Deferred } from '../../defer/deferred';
import type { Address } from '../../reactor/interfaces/address';
import type { Keycard } from './keycards';

/** An accepted keycard. */
export interface AuthResult {
  /** Who was let in: a user name, a token's scope (`token:/live.webm`), a feed identity, an address. */
  readonly identity: string;
  /** When the permission ends (the clock of the bouncer that set it: Unix seconds for tokens), or null. */
  readonly expiresAt: number | null;
  /** The keycard that was accepted. */
  readonly keycard: Keycard;
}

/** Judges keycards. */
export interface Bouncer {
  authenticate(keycard: Keycard): Deferred<AuthResult>;
}

/** The text used to key per-client state: the IP for TCP, `unix:<path>` for unix sockets. */
export function addressKey(address: Address | null): string {
  if (address === null) return 'unknown';
  if (address.type === 'TCP') return address.host;
  if (address.type === 'UNIX') return `unix:${address.path ?? ''}`;
  return 'process';
}
