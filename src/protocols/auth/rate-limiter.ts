/**
 * Per-address limits on failed authentication attempts: a token bucket per client key (the IP, or
 * its /64 for IPv6, since one host usually owns a whole /64). Each failure takes a token; a key
 * with no token left is limited until the bucket refills at `refillPerSecond`. Time comes from an
 * injected `ReactorTime`. Memory is bounded: a bucket that has refilled is forgotten (it is the
 * same as no bucket), and past `maxEntries` keys the least recently failed are evicted (under a
 * flood from many addresses an evicted address starts afresh: bounded memory wins).
 * `RateLimitedBouncer` puts a limiter in front of any bouncer. Tests:
 * test/protocols/auth/rate-limiter.test.ts.
 */
import { fail, type Deferred } from '../../defer/deferred';
import type { Failure } from '../../defer/failure';
import type { ReactorTime } from '../../defer/time';
import type { Address } from '../../reactor/interfaces/address';
import { AuthConfigError, AuthError, AuthRateLimited, AuthUnsupportedKeycard } from '../errors';
import { addressKey, type AuthResult, type Bouncer } from './bouncer';
import { isIPv4, parseIp, truncateIp } from './cidr';
import type { Keycard } from './keycards';

/** Options of {@link FailureRateLimiter}. */
export interface RateLimiterOptions {
  readonly clock: Pick<ReactorTime, 'seconds'>;
  /** Failures allowed in a burst (default 10). */
  readonly burst?: number;
  /** Failures forgiven per second (default 0.1: one every 10 s). */
  readonly refillPerSecond?: number;
  /** Most keys remembered (default 10,000). */
  readonly maxEntries?: number;
  /** IPv6 addresses are grouped by this prefix length (default 64; 128 to key each address). */
  readonly ipv6PrefixBits?: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

export class FailureRateLimiter {
  private readonly clock: Pick<ReactorTime, 'seconds'>;
  private readonly burst: number;
  private readonly refill: number;
  private readonly maxEntries: number;
  private readonly ipv6Bits: number;
  /** Insertion order is recency order: a bucket is re-inserted on each failure. */
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions) {
    this.clock = options.clock;
    this.burst = options.burst ?? 10;
    this.refill = options.refillPerSecond ?? 0.1;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.ipv6Bits = options.ipv6PrefixBits ?? 64;
    if (!(this.burst >= 1) || !(this.refill > 0) || !(this.maxEntries >= 1) || !(this.ipv6Bits >= 1 && this.ipv6Bits <= 128)) {
      throw new AuthConfigError('rate limiter: burst >= 1, refillPerSecond > 0, maxEntries >= 1, ipv6PrefixBits 1..128');
    }
  }

  /** Keys currently remembered. */
  get size(): number {
    return this.buckets.size;
  }

  /** The key an address is counted under. */
  keyOf(address: Address | null): string {
    const text = addressKey(address);
    if (address?.type !== 'TCP') return text;
    const ip = parseIp(address.host);
    if (ip === null || isIPv4(ip) || this.ipv6Bits === 128) return text;
    return `${truncateIp(ip, this.ipv6Bits).toString(16)}/${this.ipv6Bits}`;
  }

  /** 0 when `address` may try again now, else the seconds until it may. */
  retryAfter(address: Address | null): number {
    const key = this.keyOf(address);
    const bucket = this.current(key);
    return bucket === null || bucket.tokens >= 1 ? 0 : (1 - bucket.tokens) / this.refill;
  }

  /** Counts one failed attempt from `address`. */
  recordFailure(address: Address | null): void {
    const key = this.keyOf(address);
    const bucket = this.current(key) ?? { tokens: this.burst, updated: this.clock.seconds() };
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxEntries) this.evict();
  }

  /** Forgets every key. */
  clear(): void {
    this.buckets.clear();
  }

  /** The refilled bucket of `key`, or null (and forgotten) when it is full again. */
  private current(key: string): Bucket | null {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return null;
    const now = this.clock.seconds();
    bucket.tokens = Math.min(this.burst, bucket.tokens + Math.max(0, now - bucket.updated) * this.refill);
    bucket.updated = now;
    if (bucket.tokens >= this.burst) {
      this.buckets.delete(key);
      return null;
    }
    return bucket;
  }

  /** Shrinks to 90% of `maxEntries` at once, so a flood of new keys costs amortized O(1) each. */
  private evict(): void {
    const target = Math.floor(this.maxEntries * 0.9);
    for (const key of [...this.buckets.keys()]) {
      if (this.buckets.size <= target) return;
      this.current(key); // drops it if refilled
    }
    // Still too many: drop the least recently failed.
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= target) return;
      this.buckets.delete(key);
    }
  }
}

/**
 * A bouncer behind a {@link FailureRateLimiter}: a limited address is refused with
 * `AuthRateLimited` without asking the inner bouncer (so a flood costs no scrypt runs); every
 * other refusal of the inner bouncer except `AuthUnsupportedKeycard` counts as a failure.
 */
export class RateLimitedBouncer implements Bouncer {
  constructor(readonly inner: Bouncer, readonly limiter: FailureRateLimiter) {}

  authenticate(keycard: Keycard): Deferred<AuthResult> {
    const wait = this.limiter.retryAfter(keycard.address);
    if (wait > 0) {
      return fail(new AuthRateLimited(`too many failed attempts from ${addressKey(keycard.address)}`, Math.ceil(wait)));
    }
    let answer: Deferred<AuthResult>;
    try {
      answer = this.inner.authenticate(keycard);
    } catch (error) {
      return fail(error);
    }
    return answer.addErrback((failure: Failure): Failure => {
      if (failure.check(AuthError) !== null && failure.check(AuthUnsupportedKeycard) === null) {
        this.limiter.recordFailure(keycard.address);
      }
      return failure;
    });
  }
}
