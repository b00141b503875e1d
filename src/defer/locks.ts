/**
 * `DeferredLock` and `DeferredSemaphore`: mutual exclusion and bounded concurrency for code that
 * runs in Deferred callbacks. A pending `acquire()` can be cancelled (it errbacks with
 * CancelledError and leaves the queue); cancelling one that already fired does nothing.
 * Tests: test/defer/locks.test.ts.
 */
import { Deferred } from './deferred';
import { DeferredArgumentError } from './errors';
import type { Failure } from './failure';
import { maybeDeferred } from './maybe-deferred';

abstract class ConcurrencyPrimitive {
  /** Acquires waiting for the lock or a token, first first. */
  readonly waiting: Deferred<this>[] = [];

  /** A Deferred that fires with this object once acquired. */
  abstract acquire(): Deferred<this>;
  /** Give the lock (or a token) back, handing it to the next waiter if any. */
  abstract release(): void;

  /**
   * Acquire, call `fn(...args)` (a returned Deferred or Promise is waited on), release when its
   * result is known, and fire with that result (or failure). The lock is released on failure too
   * (JavaScript's counterpart of Twisted's `async with lock:`).
   */
  run<A extends unknown[], R>(fn: (...args: A) => R | Deferred<R> | PromiseLike<R> | Failure, ...args: A): Deferred<R> {
    if (typeof fn !== 'function') throw new DeferredArgumentError('run() requires a function to call');
    return this.acquire().addCallback(() =>
      maybeDeferred(fn, ...args).addBoth((result: R | Failure) => {
        this.release();
        return result;
      }));
  }

  /** @internal Canceller of a pending acquire: leave the queue. */
  protected cancelAcquire(d: Deferred<this>): void {
    const at = this.waiting.indexOf(d);
    if (at >= 0) this.waiting.splice(at, 1);
  }
}

/** A lock for Deferred-based code (Twisted's `DeferredLock`). */
export class DeferredLock extends ConcurrencyPrimitive {
  /** True while someone holds the lock. */
  locked = false;

  acquire(): Deferred<this> {
    const d = new Deferred<this>((pending) => this.cancelAcquire(pending));
    if (this.locked) {
      this.waiting.push(d);
    } else {
      this.locked = true;
      d.callback(this);
    }
    return d;
  }

  release(): void {
    if (!this.locked) throw new DeferredArgumentError('Tried to release an unlocked lock');
    this.locked = false;
    const next = this.waiting.shift();
    if (next !== undefined) {
      this.locked = true;
      next.callback(this);
    }
  }
}

/** At most `tokens` holders at once (Twisted's `DeferredSemaphore`). */
export class DeferredSemaphore extends ConcurrencyPrimitive {
  /** Tokens currently free. */
  tokens: number;
  /** The number of tokens it was created with. */
  readonly limit: number;

  constructor(tokens: number) {
    super();
    if (!(Number.isInteger(tokens) && tokens >= 1)) throw new DeferredArgumentError('DeferredSemaphore requires tokens >= 1');
    this.tokens = tokens;
    this.limit = tokens;
  }

  /** True while no token is free. */
  get locked(): boolean {
    return this.tokens === 0;
  }

  acquire(): Deferred<this> {
    const d = new Deferred<this>((pending) => this.cancelAcquire(pending));
    if (this.tokens === 0) {
      this.waiting.push(d);
    } else {
      this.tokens--;
      d.callback(this);
    }
    return d;
  }

  release(): void {
    if (this.tokens >= this.limit) throw new DeferredArgumentError('Someone released me too many times: too many tokens!');
    this.tokens++;
    const next = this.waiting.shift();
    if (next !== undefined) {
      this.tokens--;
      next.callback(this);
    }
  }
}
