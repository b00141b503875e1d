/**
 * scrypt (`node:crypto`, run on libuv's thread pool) wrapped in a Deferred, with the cost
 * parameters checked before use. The default cost is N = 2^15, r = 8, p = 1 (about 32 MiB and
 * tens of milliseconds per hash); tests pass a lower N. Tests: test/protocols/auth/password-file.test.ts.
 */
import { scrypt } from 'node:crypto';
import { Deferred } from '../../defer/deferred';
import { AuthConfigError } from '../errors';

/** scrypt's cost parameters. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two (2^1 .. 2^20). */
  readonly N: number;
  /** Block size (1 .. 32). */
  readonly r: number;
  /** Parallelism (1 .. 16). */
  readonly p: number;
}

/** The default cost for new hashes. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

/** Why `params` are not acceptable, or null when they are. */
export function scryptParamsProblem(params: ScryptParams): string | null {
  const { N, r, p } = params;
  if (!Number.isInteger(N) || N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0) return `N must be a power of two from 2 to 2^20, got ${N}`;
  if (!Number.isInteger(r) || r < 1 || r > 32) return `r must be an integer from 1 to 32, got ${r}`;
  if (!Number.isInteger(p) || p < 1 || p > 16) return `p must be an integer from 1 to 16, got ${p}`;
  return null;
}

/** Throws `AuthConfigError` unless `params` are acceptable. */
export function checkScryptParams(params: ScryptParams): void {
  const problem = scryptParamsProblem(params);
  if (problem !== null) throw new AuthConfigError(`scrypt: ${problem}`);
}

/** Derives `keyLength` bytes from `password` and `salt`; fires on the loop thread. */
export function scryptDeferred(password: Uint8Array | string, salt: Uint8Array, keyLength: number,
  params: ScryptParams): Deferred<Buffer> {
  const d = new Deferred<Buffer>();
  try {
    checkScryptParams(params);
    // 128·N·r bytes of working memory; allow twice that so the default cost is not refused.
    const maxmem = 256 * params.N * params.r + 1024 * 1024;
    scrypt(password, salt, keyLength, { N: params.N, r: params.r, p: params.p, maxmem }, (error, key) => {
      if (error !== null) d.errback(error);
      else d.callback(key);
    });
  } catch (error) {
    d.errback(error);
  }
  return d;
}
