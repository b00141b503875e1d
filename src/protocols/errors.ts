/**
 * Errors of the protocols layer: framing (`NetstringParseError`, `StringTooLongError`), misuse
 * (`ProtocolUsageError`), authentication (`AuthError` and its subclasses, one per answer a bouncer
 * can give), the password file and the feed handshake. Each has a stable `code`, listed in
 * docs/errors.md. `AuthError.status` is the HTTP status an HTTP front end should answer with.
 * Tests: test/protocols/errors.test.ts.
 */
import { TorsionError, type TorsionErrorOptions } from '../errors';

/** A netstring on the wire was malformed (no length, leading zero, too long, missing comma). */
export class NetstringParseError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_NETSTRING_PARSE';
}

/** `sendString` was given more bytes than the length prefix can express. */
export class StringTooLongError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_STRING_TOO_LONG';
}

/** A protocol or factory was used in a way it does not support (no protocol class, no connector). */
export class ProtocolUsageError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_PROTOCOL_USAGE';
}

/** Invalid authentication configuration: a short secret, a bad CIDR rule, out-of-range scrypt cost. */
export class AuthConfigError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_AUTH_CONFIG';
}

/** Base of every "not authenticated" answer. `status` is what an HTTP front end should send. */
export class AuthError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_AUTH';
  /** 401 (credentials missing or wrong), 403 (refused for good), 429 (slow down). */
  readonly status: number = 401;
}

/** No credentials of a kind the bouncer needs (no password, no token). HTTP 401. */
export class AuthMissingCredentials extends AuthError {
  override readonly code: string = 'TORSION_ERR_AUTH_MISSING_CREDENTIALS';
}

/** Unknown user, wrong password, a token whose signature does not verify, a wrong proof. HTTP 401. */
export class AuthWrongCredentials extends AuthError {
  override readonly code: string = 'TORSION_ERR_AUTH_WRONG_CREDENTIALS';
}

/** The bouncer cannot judge this kind of keycard (a chain then asks the next one). HTTP 401. */
export class AuthUnsupportedKeycard extends AuthError {
  override readonly code: string = 'TORSION_ERR_AUTH_UNSUPPORTED_KEYCARD';
}

/** A valid token whose expiry has passed. HTTP 403. */
export class AuthExpired extends AuthError {
  override readonly code: string = 'TORSION_ERR_AUTH_EXPIRED';
  override readonly status: number = 403;
}

/** A valid token used for a path it does not cover. HTTP 403. */
export class AuthOutOfScope extends AuthError {
  override readonly code: string = 'TORSION_ERR_AUTH_OUT_OF_SCOPE';
  override readonly status: number = 403;
}

/** Refused by policy (an address deny rule, or not on the allow list). HTTP 403. */
export class AuthDenied extends AuthError {
  override readonly code: string = 'TORSION_ERR_AUTH_DENIED';
  override readonly status: number = 403;
}

/** Too many failed attempts from this address; `retryAfter` is in seconds. HTTP 429. */
export class AuthRateLimited extends AuthError {
  override readonly code: string = 'TORSION_ERR_AUTH_RATE_LIMITED';
  override readonly status: number = 429;
  constructor(message: string, readonly retryAfter: number, options?: TorsionErrorOptions) {
    super(message, options);
  }
}

/** A connection did not authenticate within its deadline and was closed. HTTP 408. */
export class AuthDeadlineExceeded extends AuthError {
  override readonly code: string = 'TORSION_ERR_AUTH_DEADLINE';
  override readonly status: number = 408;
}

/** The feed handshake saw a nonce it has seen before (a replayed challenge or response). */
export class ChallengeReplayed extends AuthError {
  override readonly code: string = 'TORSION_ERR_CHALLENGE_REPLAYED';
}

/** The feed handshake got a malformed or unexpected message, or was refused by the peer. */
export class ChallengeProtocolError extends AuthError {
  override readonly code: string = 'TORSION_ERR_CHALLENGE_PROTOCOL';
}

/** The server's proof did not verify: it does not know the shared secret. */
export class ChallengeServerUnverified extends AuthError {
  override readonly code: string = 'TORSION_ERR_CHALLENGE_SERVER_UNVERIFIED';
}

/** A line of a password file that cannot be used; `line` is 1-based, `source` the file name. */
export class PasswordFileError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_PASSWORD_FILE';
  constructor(message: string, readonly source: string, readonly line: number, options?: TorsionErrorOptions) {
    super(`${source}:${line}: ${message}`, options);
  }
}
