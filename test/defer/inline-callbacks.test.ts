/**
 * Tests for src/defer/inline-callbacks.ts: generators driven by Deferreds ([D63], [D65]–[D68]).
 * Twisted's `inlineCallbacks` decorates Python generators; JavaScript generators behave the same
 * way (`yield` a Deferred, get its result back or its error thrown in), so these follow Twisted's
 * tests closely. Async functions are covered in maybe-deferred.test.ts (ensureDeferred).
 */
import { describe, expect, it } from 'vitest';
import {
  CancelledError, Deferred, Failure, NotACoroutineError, fail, fromCoroutine, inlineCallbacks, succeed,
} from 'torsion/defer';
import { failureOf } from './helpers';

class UntranslatedError extends Error {}
class TranslatedError extends Error {}
class DontFail extends Error {
  constructor(readonly actualValue: number) {
    super('DontFail');
  }
}

describe('fromCoroutine', () => {
  it('[D63] runs a generator and fires with its return value', () => {
    function* g(): Generator<unknown, string, unknown> {
      const a = (yield succeed('a')) as string;
      const b = (yield 'b') as string;
      return a + b;
    }
    expect(fromCoroutine(g()).result).toBe('ab');
  });

  it('[D63] requires a generator', () => {
    expect(() => fromCoroutine((() => 1) as unknown as Generator<unknown, number, unknown>)).toThrow(NotACoroutineError);
    expect(() => fromCoroutine(Promise.resolve(1) as unknown as Generator<unknown, number, unknown>)).toThrow(NotACoroutineError);
  });
});

describe('inlineCallbacks basics', () => {
  it('[D65] yielding a Deferred returns its result, or throws its failure into the generator', () => {
    const first = new Deferred<number>();
    const second = new Deferred<number>();
    const seen: unknown[] = [];
    const f = inlineCallbacks(function* (): Generator<unknown, string, unknown> {
      seen.push(yield first);
      try {
        yield second;
      } catch (error) {
        seen.push((error as Error).message);
      }
      return 'done';
    });
    const d = f();
    expect(d.called).toBe(false);
    first.callback(1);
    expect(seen).toEqual([1]);
    second.errback(new Error('thrown in'));
    expect(seen).toEqual([1, 'thrown in']);
    expect(d.result).toBe('done');
  });

  it('[D65] a yielded non-Deferred comes straight back; a yielded Promise is waited on', async () => {
    const f = inlineCallbacks(function* (x: number): Generator<unknown, number[], unknown> {
      const a = (yield x) as number;
      const b = (yield Promise.resolve(a + 1)) as number;
      return [a, b];
    });
    expect(await f(5)).toEqual([5, 6]);
  });

  it('[D65] no return gives undefined; an uncaught error fails the Deferred', () => {
    const nothing = inlineCallbacks(function* (): Generator<unknown, void, unknown> {
      yield succeed(1);
    });
    const d = nothing();
    expect(d.called).toBe(true);
    expect(d.result).toBeUndefined();
    const e = new RangeError('produced');
    const boom = inlineCallbacks(function* (): Generator<unknown, void, unknown> {
      yield succeed(1);
      throw e;
    });
    expect(failureOf(boom()).value).toBe(e);
  });

  it('[D65] a failure handled inside the generator does not errback, and the yielded Deferred is not left failing', () => {
    const bad = fail(new Error('handled'));
    const f = inlineCallbacks(function* (): Generator<unknown, string, unknown> {
      try {
        yield bad;
      } catch {
        return 'recovered';
      }
      return 'no';
    });
    expect(f().result).toBe('recovered');
    expect(bad._failToken).toBeNull();
  });

  it('[D65] many already-fired yields do not grow the stack', () => {
    const f = inlineCallbacks(function* (): Generator<unknown, number, unknown> {
      let total = 0;
      for (let i = 0; i < 100_000; i++) total += (yield succeed(1)) as number;
      return total;
    });
    expect(f().result).toBe(100_000);
  });

  it('[D65] nested generators (a yielded generator is run too)', () => {
    function* inner(): Generator<unknown, number, unknown> {
      return ((yield succeed(20)) as number) + 1;
    }
    const outer = inlineCallbacks(function* (): Generator<unknown, number, unknown> {
      return ((yield inner()) as number) * 2;
    });
    expect(outer().result).toBe(42);
  });

  it('[D66] wrapping a function that does not return a generator throws NotACoroutineError naming inlineCallbacks', () => {
    const notGen = inlineCallbacks((() => 3) as unknown as () => Generator<unknown, number, unknown>);
    expect(() => notGen()).toThrow(NotACoroutineError);
    expect(() => notGen()).toThrow(/inlineCallbacks requires/);
  });

  it('[D68] (no context vars in JS) resumption happens synchronously inside the firing callback() call', () => {
    // Twisted restores contextvars on each resumption. JavaScript has no contextvars; the
    // AsyncLocalStorage analogue is not provided (defer imports no Node module). What we can
    // guarantee and test: the generator resumes on the stack of whoever fires the Deferred.
    const d = new Deferred<number>();
    const order: string[] = [];
    const f = inlineCallbacks(function* (): Generator<unknown, void, unknown> {
      order.push('before');
      yield d;
      order.push('after');
    });
    f();
    order.push('fire');
    d.callback(1);
    order.push('fired');
    expect(order).toEqual(['before', 'fire', 'after', 'fired']);
  });
});

describe('inlineCallbacks cancellation [D67]', () => {
  type Stack = 'not-stacked' | 'stacked-inlinecb';

  /** Twisted's sampleInlineCB: awaits a child Deferred (possibly through a nested inlineCallbacks). */
  function sample(stack: Stack, getChild: () => Deferred<number>, firstDeferred?: Deferred<number>): Deferred<number> {
    const stacked = inlineCallbacks(function* (): Generator<unknown, number, unknown> {
      return (yield getChild()) as number;
    });
    return inlineCallbacks(function* (): Generator<unknown, number, unknown> {
      let x: number;
      try {
        if (stack === 'not-stacked') {
          x = (yield getChild()) as number;
        } else {
          if (firstDeferred !== undefined) yield firstDeferred;
          x = (yield stacked()) as number;
        }
      } catch (error) {
        if (error instanceof UntranslatedError) throw new TranslatedError();
        if (error instanceof DontFail) x = error.actualValue - 2;
        else throw error;
      }
      return x + 1;
    })();
  }

  const scenarios: Array<[Stack, boolean]> = [['not-stacked', false], ['stacked-inlinecb', false], ['stacked-inlinecb', true]];

  for (const [stack, second] of scenarios) {
    const label = `${stack}${second ? ', on the second yield' : ''}`;

    it(`cascades: cancelling D cancels the Deferred it awaits (${label})`, () => {
      let childResult: unknown = 'FAILURE';
      const first = second ? new Deferred<number>() : undefined;
      const d = sample(stack, () => new Deferred<number>().addErrback((f: Failure) => {
        childResult = f.check(CancelledError);
        return f;
      }), first);
      d.addErrback(() => undefined);
      first?.callback(1);
      d.cancel();
      expect(childResult).toBe(CancelledError);
    });

    it(`errbacks D with the CancelledError (${label})`, () => {
      const first = second ? new Deferred<number>() : undefined;
      const d = sample(stack, () => new Deferred<number>(), first);
      first?.callback(1);
      d.cancel();
      expect(failureOf(d).value).toBeInstanceOf(CancelledError);
    });

    it(`the generator may translate the error into another error (${label})`, () => {
      const first = second ? new Deferred<number>() : undefined;
      const a = new Deferred<number>((it2) => it2.errback(new UntranslatedError()));
      const d = sample(stack, () => a, first);
      first?.callback(1);
      d.cancel();
      expect(failureOf(d).value).toBeInstanceOf(TranslatedError);
    });

    it(`the generator may translate the error into a success (${label})`, () => {
      const first = second ? new Deferred<number>() : undefined;
      const a = new Deferred<number>((it2) => it2.errback(new DontFail(4321)));
      const d = sample(stack, () => a, first);
      first?.callback(1);
      d.cancel();
      expect(d.result).toBe(4320);
    });

    it(`D waits while the awaited Deferred's chain is still busy after cancel (${label})`, () => {
      const more = new Deferred<number>();
      const first = second ? new Deferred<number>() : undefined;
      const d = sample(stack, () => new Deferred<number>().addErrback((f: Failure) => {
        f.trap(CancelledError);
        return more;
      }), first);
      first?.callback(1);
      d.cancel();
      expect(d.called).toBe(true); // fired internally, but paused waiting for the generator
      expect(d.paused).toBe(true);
      more.callback(6543);
      expect(d.result).toBe(6544);
    });
  }

  it('a generator that catches the CancelledError keeps D unfired; a second cancel cancels what it waits on next', () => {
    const canceller1: Deferred<unknown>[] = [];
    const canceller2: Deferred<unknown>[] = [];
    const d1 = new Deferred<unknown>((d) => {
      canceller1.push(d);
    });
    const d2 = new Deferred<unknown>((d) => {
      canceller2.push(d);
    });
    const f = inlineCallbacks(function* (): Generator<unknown, void, unknown> {
      try {
        yield d1;
      } catch {
        // swallowed
      }
      yield d2;
    });
    const funcD = f();
    expect(funcD.called || d1.called || d2.called).toBe(false);
    funcD.cancel();
    expect(canceller1).toEqual([d1]);
    expect(canceller2).toEqual([]);
    expect(funcD.paused).toBe(true);
    let settled = false;
    funcD.addBoth(() => {
      settled = true;
    });
    expect(settled).toBe(false);
    funcD.cancel();
    expect(canceller2).toEqual([d2]);
    expect(settled).toBe(true);
  });

  it('the failure of a second cancel is CancelledError', () => {
    const d1 = new Deferred<unknown>(() => undefined);
    const d2 = new Deferred<unknown>(() => undefined);
    const funcD = inlineCallbacks(function* (): Generator<unknown, void, unknown> {
      try {
        yield d1;
      } catch {
        // swallowed
      }
      yield d2;
    })();
    funcD.cancel();
    funcD.cancel();
    expect(failureOf(funcD).value).toBeInstanceOf(CancelledError);
  });
});
