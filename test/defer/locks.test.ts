/** Tests for src/defer/locks.ts: DeferredLock and DeferredSemaphore ([D56]–[D58], [D61]). */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CancelledError, Deferred, DeferredArgumentError, DeferredLock, DeferredSemaphore, Failure, succeed,
} from 'torsion/defer';

describe('DeferredLock', () => {
  it('[D56] acquire fires at once when free, queues otherwise; release hands over to the next waiter', () => {
    const lock = new DeferredLock();
    let counter = 0;
    const incr = (): void => {
      counter++;
    };
    lock.acquire().addCallback(incr);
    expect(lock.locked).toBe(true);
    expect(counter).toBe(1);
    lock.acquire().addCallback(incr);
    expect(lock.locked).toBe(true);
    expect(counter).toBe(1);
    lock.release();
    expect(lock.locked).toBe(true);
    expect(counter).toBe(2);
    lock.release();
    expect(lock.locked).toBe(false);
    expect(counter).toBe(2);
  });

  it('[D56] acquire fires with the lock itself', () => {
    const lock = new DeferredLock();
    expect(lock.acquire().result).toBe(lock);
  });

  it('[D56] run acquires, calls f, and releases when its result fires; run without f throws', () => {
    const lock = new DeferredLock();
    expect(() => (lock.run as unknown as () => Deferred<unknown>)()).toThrow(DeferredArgumentError);
    const control = new Deferred<string>();
    let seen: unknown;
    const result = lock.run((value: string) => {
      seen = value;
      return control;
    }, 'first');
    expect(lock.locked).toBe(true);
    expect(seen).toBe('first');
    let counter = 0;
    lock.acquire().addCallback(() => {
      counter++;
    });
    expect(counter).toBe(0);
    result.addCallback((r: string) => {
      seen = r;
    });
    control.callback('second');
    expect(seen).toBe('second');
    expect(lock.locked).toBe(true); // handed to the waiting acquire
    expect(counter).toBe(1);
    lock.release();
    expect(lock.locked).toBe(false);
  });

  it('[D56] run infers the result type of f (value, Deferred or Promise)', () => {
    const lock = new DeferredLock();
    expectTypeOf(lock.run(() => succeed(2))).toEqualTypeOf<Deferred<number>>();
    expectTypeOf(lock.run(async () => 1)).toEqualTypeOf<Deferred<number>>();
    expectTypeOf(lock.run((s: string) => s.length, 'x')).toEqualTypeOf<Deferred<number>>();
  });

  it('[D57] cancelling a pending acquire fails it with CancelledError and takes it out of the queue', () => {
    const lock = new DeferredLock();
    lock.acquire();
    let result: unknown;
    const d = lock.acquire().addBoth((r: unknown) => {
      result = r;
    });
    d.cancel();
    expect(result).toBeInstanceOf(Failure);
    expect((result as Failure).type).toBe(CancelledError);
    expect(lock.waiting).toHaveLength(0);
    lock.release();
    expect(lock.locked).toBe(false);
  });

  it('[D57] cancelling an acquire that already has the lock does nothing', () => {
    const lock = new DeferredLock();
    const d = lock.acquire();
    let errbacks = 0;
    d.addErrback(() => {
      errbacks++;
    });
    d.cancel();
    expect(errbacks).toBe(0);
    expect(lock.locked).toBe(true);
  });

  it('releasing an unlocked lock throws', () => {
    expect(() => new DeferredLock().release()).toThrow(DeferredArgumentError);
  });

  it('[D61] run is the "async with lock" analogue: released on success and on failure, the error propagates', async () => {
    const lock = new DeferredLock();
    const order: string[] = [];
    const a = lock.run(async () => {
      order.push('a-in');
      await Promise.resolve();
      order.push('a-out');
      return 'a';
    });
    const b = lock.run(() => {
      order.push('b');
      throw new Error('b failed');
    });
    expect(await a).toBe('a');
    await expect(b.asPromise()).rejects.toThrow('b failed');
    expect(order).toEqual(['a-in', 'a-out', 'b']);
    expect(lock.locked).toBe(false);
  });
});

describe('DeferredSemaphore', () => {
  it('[D58] N immediate acquires, the N+1th waits', () => {
    const n = 13;
    const sem = new DeferredSemaphore(n);
    let counter = 0;
    for (let i = 0; i < n; i++) {
      sem.acquire().addCallback(() => {
        counter++;
      });
      expect(counter).toBe(i + 1);
    }
    expect(sem.locked).toBe(true);
    let extra = false;
    sem.acquire().addCallback(() => {
      extra = true;
    });
    expect(extra).toBe(false);
    sem.release();
    expect(extra).toBe(true);
    expect(sem.tokens).toBe(0);
    for (let i = 0; i < n; i++) sem.release();
    expect(sem.tokens).toBe(n);
    expect(sem.locked).toBe(false);
    expect(() => sem.release()).toThrow(/too many/);
  });

  it('[D58] tokens < 1 (or not an integer) are rejected', () => {
    expect(() => new DeferredSemaphore(0)).toThrow(DeferredArgumentError);
    expect(() => new DeferredSemaphore(-1)).toThrow(DeferredArgumentError);
    expect(() => new DeferredSemaphore(1.5)).toThrow(DeferredArgumentError);
    expect(new DeferredSemaphore(1).limit).toBe(1);
  });

  it('[D58] run limits concurrency to the token count', () => {
    const sem = new DeferredSemaphore(2);
    const pending = [new Deferred<number>(), new Deferred<number>(), new Deferred<number>()];
    let running = 0;
    let peak = 0;
    const results: number[] = [];
    pending.forEach((d, i) => {
      sem.run(() => {
        running++;
        peak = Math.max(peak, running);
        return d.addCallback((v: number) => {
          running--;
          return v;
        });
      }).addCallback((v: number) => results.push(v + i));
    });
    expect(running).toBe(2);
    pending[0]?.callback(10);
    expect(running).toBe(2);
    pending[1]?.callback(20);
    pending[2]?.callback(30);
    expect(peak).toBe(2);
    expect(results).toEqual([10, 21, 32]);
    expect(sem.tokens).toBe(2);
  });

  it('[D57] cancelling a pending acquire → CancelledError; cancelling a granted one does nothing', () => {
    const sem = new DeferredSemaphore(1);
    const granted = sem.acquire();
    granted.cancel();
    expect(granted.result).toBe(sem);
    const waiting = sem.acquire();
    waiting.cancel();
    let failure: Failure | undefined;
    waiting.addErrback((f: Failure) => {
      failure = f;
    });
    expect(failure?.value).toBeInstanceOf(CancelledError);
    expect(sem.waiting).toHaveLength(0);
    sem.release();
    expect(sem.tokens).toBe(1);
  });

  it('[D61] run releases the token when f fails, and the failure propagates', () => {
    const sem = new DeferredSemaphore(1);
    const d = sem.run(() => {
      throw new RangeError('inside');
    });
    let failure: Failure | undefined;
    d.addErrback((f: Failure) => {
      failure = f;
    });
    expect(failure?.value).toBeInstanceOf(RangeError);
    expect(sem.tokens).toBe(1);
  });
});
