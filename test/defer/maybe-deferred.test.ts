/** Tests for src/defer/maybe-deferred.ts: maybeDeferred ([D47], [D48]) and ensureDeferred ([D62]). */
import { describe, expect, it } from 'vitest';
import { Deferred, Failure, NotACoroutineError, ensureDeferred, maybeDeferred, succeed } from 'torsion/defer';
import { failureOf } from './helpers';

describe('maybeDeferred', () => {
  it('[D47] a synchronous return gives a fired Deferred; args are passed', () => {
    const d = maybeDeferred((a: number, b: number) => a + b, 10, 20);
    expect(d.called).toBe(true);
    expect(d.result).toBe(30);
    expect(maybeDeferred(() => 'S').result).toBe('S');
  });

  it('[D47] a thrown error gives a failed Deferred; so does a returned Failure', () => {
    const e = new RangeError('thrown');
    expect(failureOf(maybeDeferred(() => {
      throw e;
    })).value).toBe(e);
    const f = new Failure(new Error('returned'));
    expect(failureOf(maybeDeferred(() => f))).toBe(f);
  });

  it('[D48] a returned Deferred passes through unchanged (pending or failing later)', () => {
    const d = new Deferred<string>();
    expect(maybeDeferred(() => d)).toBe(d);
    const later = new Deferred<string>();
    const m = maybeDeferred(() => later);
    later.errback(new Error('async error'));
    expect(failureOf(m).getErrorMessage()).toBe('async error');
  });

  it('[D48] a returned Promise (the JS coroutine) is awaited', async () => {
    const ok = maybeDeferred(async (x: number) => x * 2, 21);
    expect(ok.called).toBe(false);
    expect(await ok).toBe(42);
    const bad = maybeDeferred(async () => {
      throw new Error('coroutine failure');
    });
    await expect(bad.asPromise()).rejects.toThrow('coroutine failure');
  });
});

describe('ensureDeferred', () => {
  it('[D62] passes Deferreds through', () => {
    const d = succeed(1);
    expect(ensureDeferred(d)).toBe(d);
  });

  it('[D62] wraps Promises/thenables and generators', async () => {
    const fromPromise = ensureDeferred(Promise.resolve('p'));
    expect(fromPromise).toBeInstanceOf(Deferred);
    expect(await fromPromise).toBe('p');
    const thenable = {
      then: (ok: (v: string) => unknown): Promise<unknown> => Promise.resolve(ok('custom')),
    } as PromiseLike<string>;
    expect(await ensureDeferred(thenable)).toBe('custom');
    function* gen(): Generator<unknown, number, unknown> {
      const x = (yield succeed(2)) as number;
      return x + 1;
    }
    const g = ensureDeferred(gen());
    expect(g.result).toBe(3);
  });

  it('[D62] rejects other values with NotACoroutineError', () => {
    expect(() => ensureDeferred('something' as unknown as Promise<string>)).toThrow(NotACoroutineError);
    expect(() => ensureDeferred(42 as unknown as Promise<number>)).toThrow(/is not a thenable, a generator or a Deferred/);
  });
});
