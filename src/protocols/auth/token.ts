/**
 * HMAC-SHA256 tokens that bind a path and an expiry:
 *
 *     token   = payload "." signature
 *     payload = base64url(UTF-8 of path "|" expiresAt)      (expiresAt: integer Unix seconds)
 *     signature = base64url(HMAC-SHA256(secret, "torsion-token-v1." payload))
 *
 * base64url is unpadded. The path is split from the expiry at the last `|`, so a path may contain
 * `|`. A path ending in `/` covers every path below it (`/live/` covers `/live/a.webm`, not
 * `/live/../x`); any other path covers only itself. The secret must be at least 16 bytes; the label
 * in the MAC keeps token signatures apart from the feed handshake's proofs made with the same
 * secret. Tests: test/protocols/auth/token.test.ts.
 */
import { createHmac } from 'node:crypto';
import { AuthConfigError } from '../errors';
import { constantTimeEqual } from './constant-time';

/** What a token says. */
export interface TokenClaims {
  readonly path: string;
  /** Unix seconds after which the token is refused. */
  readonly expiresAt: number;
}

const LABEL = 'torsion-token-v1.';
const B64URL = /^[A-Za-z0-9_-]+$/;
const MIN_SECRET_BYTES = 16;

/** The secret as bytes; throws `AuthConfigError` when shorter than 16 bytes. */
export function secretBytes(secret: Uint8Array | string): Buffer {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new AuthConfigError(`the secret must be at least ${MIN_SECRET_BYTES} bytes, got ${bytes.length}`);
  }
  return bytes;
}

function sign(secret: Buffer, payload: string): Buffer {
  return createHmac('sha256', secret).update(LABEL + payload, 'ascii').digest();
}

/** A token for `path` that expires at `expiresAt` (integer Unix seconds). */
export function mintToken(secret: Uint8Array | string, path: string, expiresAt: number): string {
  const key = secretBytes(secret);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (!path.startsWith('/') || /[\u0000-\u001f\u007f]/.test(path)) {
    throw new AuthConfigError(`a token path must start with "/" and hold no control characters, got ${JSON.stringify(path)}`);
  }
  if (!Number.isSafeInteger(expiresAt) || expiresAt < 0) {
    throw new AuthConfigError(`expiresAt must be a non-negative integer (Unix seconds), got ${expiresAt}`);
  }
  const payload = Buffer.from(`${path}|${expiresAt}`, 'utf8').toString('base64url');
  return `${payload}.${sign(key, payload).toString('base64url')}`;
}

/** The claims of a well-formed token, without checking its signature; null when malformed. */
export function decodeToken(token: string): TokenClaims | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 4096) return null;
  const payload = token.slice(0, dot);
  if (!B64URL.test(payload)) return null;
  const text = Buffer.from(payload, 'base64url').toString('utf8');
  const bar = text.lastIndexOf('|');
  if (bar === -1) return null;
  const path = text.slice(0, bar);
  const expiry = text.slice(bar + 1);
  if (!path.startsWith('/') || !/^[0-9]{1,15}$/.test(expiry)) return null;
  return { path, expiresAt: Number(expiry) };
}

/** The claims of a token whose signature verifies with `secret`; null for a malformed or forged one. */
export function verifyTokenSignature(secret: Uint8Array | string, token: string): TokenClaims | null {
  const key = secretBytes(secret);
  const claims = decodeToken(token);
  const dot = token.indexOf('.');
  const signature = dot === -1 ? '' : token.slice(dot + 1);
  const expected = sign(key, dot === -1 ? '' : token.slice(0, dot));
  const given = B64URL.test(signature) ? Buffer.from(signature, 'base64url') : Buffer.alloc(0);
  const genuine = constantTimeEqual(given, expected);
  return genuine ? claims : null;
}

/** True when a token for `scope` covers a request for `path` (see the module comment). */
export function pathInScope(scope: string, path: string): boolean {
  if (!scope.endsWith('/')) return path === scope;
  if (!path.startsWith(scope)) return false;
  return !path.slice(scope.length - 1).split('/').some((segment) => segment === '.' || segment === '..');
}
