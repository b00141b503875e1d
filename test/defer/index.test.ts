/** Tests for src/defer/index.ts: the public face of torsion/defer, also re-exported from torsion. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as torsion from 'torsion';
import * as defer from 'torsion/defer';
import { Deferred, DeferredList, Failure, gatherResults, succeed } from 'torsion/defer';

describe('torsion/defer', () => {
  it('exports the contract of ARCHITECTURE.md', () => {
    const names = [
      'Deferred', 'Failure', 'succeed', 'fail', 'maybeDeferred', 'ensureDeferred', 'DeferredList', 'gatherResults',
      'DeferredLock', 'DeferredSemaphore', 'DeferredQueue', 'AlreadyCalledError', 'CancelledError', 'TimeoutError',
      'FirstError', 'QueueOverflow', 'QueueUnderflow', 'race', 'inlineCallbacks', 'fromCoroutine', 'setDebugging',
      'getDebugging', 'logError',
    ];
    for (const name of names) expect(defer, name).toHaveProperty(name);
  });

  it('is re-exported from torsion', () => {
    for (const [name, value] of Object.entries(defer)) expect((torsion as Record<string, unknown>)[name], name).toBe(value);
  });

  it('types: a Deferred<T> is a PromiseLike<T> and assignable to Deferred<unknown>', () => {
    expectTypeOf<Deferred<number>>().toMatchTypeOf<PromiseLike<number>>();
    expectTypeOf<Deferred<number>>().toMatchTypeOf<Deferred<unknown>>();
    const mixed: Deferred<unknown>[] = [succeed(1), succeed('two')];
    expect(new DeferredList(mixed).called).toBe(true);
  });

  it('types: callback results shape the next type', () => {
    const d = new Deferred<number>();
    expectTypeOf(d.addCallback((x) => String(x))).toEqualTypeOf<Deferred<string>>();
    expectTypeOf(d.addCallback(() => succeed(true))).toEqualTypeOf<Deferred<boolean>>();
    expectTypeOf(d.addErrback((f: Failure) => f)).toEqualTypeOf<Deferred<number>>();
    expectTypeOf(d.addErrback(() => 'fallback')).toEqualTypeOf<Deferred<number | string>>();
    expectTypeOf(gatherResults([succeed(1), succeed(2)])).toEqualTypeOf<Deferred<number[]>>();
    expectTypeOf(d.asPromise()).toEqualTypeOf<Promise<number>>();
    d.callback(1);
  });
});
