/**
 * `NonceCache`: remembers the handshake nonces seen recently, shared by all the connections of a
 * server (or all the attempts of a client), so a nonce used twice is refused as a replay. Entries
 * live `ttl` seconds on an injected `ReactorTime`; at most `maxEntries` are kept (the oldest go
 * first). The handshake does not depend on the cache for its security — every proof is bound to a
 * fresh random nonce of the other side — it is the check that turns a replay (or a broken random
 * source) into a clear `ChallengeReplayed` instead of a confusing failure.
 * Tests: test/protocols/challenge/nonce-cache.test.ts.
 */
import type { ReactorTime } from '../../defer/time';

/** Options of {@link NonceCache}. */
export interface NonceCacheOptions {
  readonly clock: Pick<ReactorTime, 'seconds'>;
  /** Seconds a nonce is remembered (default 3600). */
  readonly ttl?: number;
  /** Most nonces remembered (default 100,000). */
  readonly maxEntries?: number;
}

export class NonceCache {
  private readonly clock: Pick<ReactorTime, 'seconds'>;
  private readonly ttl: number;
  private readonly maxEntries: number;
  /** Nonce (hex) → expiry; insertion order is expiry order since `ttl` is fixed. */
  private readonly entries = new Map<string, number>();

  constructor(options: NonceCacheOptions) {
    this.clock = options.clock;
    this.ttl = options.ttl ?? 3600;
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  /** Nonces remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** Records `nonce`; true if it was already there (a replay), false if it is new. */
  use(nonce: Uint8Array): boolean {
    const now = this.clock.seconds();
    this.expire(now);
    const key = Buffer.from(nonce.buffer, nonce.byteOffset, nonce.byteLength).toString('hex');
    if (this.entries.has(key)) return true;
    this.entries.set(key, now + this.ttl);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    return false;
  }

  private expire(now: number): void {
    for (const [key, expiry] of this.entries) {
      if (expiry > now) return;
      this.entries.delete(key);
    }
  }
}
