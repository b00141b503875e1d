/**
 * Tests for src/defer/deferred.ts: the Deferred behaviours of prior-art.md §D (tagged [Dn] in the
 * test names) that concern one Deferred or chains of them. Unhandled-error reporting and debug mode
 * are in unhandled.test.ts, timeouts in timeout.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AlreadyCalledError, CancelledError, CircularChainError, Deferred, Failure, NonErrorReason, fail, gatherResults, succeed,
} from 'torsion/defer';
import { failureOf } from './helpers';

class Boom extends Error {}

/** The result of an already-fired Deferred, read through a callback (throws if not fired). */
function resultOf<T>(d: Deferred<T>): T {
  let got: { value: T } | undefined;
  d.addCallback((v: T) => {
    got = { value: v };
    return v;
  });
  if (got === undefined) throw new Error('Deferred has no result');
  return got.value;
}

/** The failure of an already-failed Deferred (handled), or throws. */
describe('callbacks and chaining', () => {
  it('[D1] callback(x) passes x, plus the extra args given to addCallback', () => {
    const calls: unknown[][] = [];
    const d = new Deferred<string>();
    d.addCallback((r: string, a: number, b: string) => {
      calls.push([r, a, b]);
      return r;
    }, 1, 'two');
    d.addCallback((r: string) => {
      calls.push([r]);
      return r;
    });
    expect(calls).toEqual([]);
    d.callback('hello');
    expect(calls).toEqual([['hello', 1, 'two'], ['hello']]);
  });

  it('[D1] extra args also reach errbacks, addBoth and addCallbacks options', () => {
    const seen: unknown[] = [];
    const d = fail(new Boom('x'));
    d.addErrback((f: Failure, tag: string) => {
      seen.push([f.value.message, tag]);
      return 1;
    }, 'eb');
    d.addBoth((r: unknown, tag: string) => {
      seen.push([r, tag]);
      return 2;
    }, 'both');
    d.addCallbacks((r: number, x: number) => {
      seen.push([r, x]);
      return 3;
    }, null, { callbackArgs: [9] });
    expect(seen).toEqual([['x', 'eb'], [1, 'both'], [2, 9]]);
    expect(d.result).toBe(3);
  });

  it('[D2] each callback result is the next callback input', () => {
    const d = new Deferred<number>();
    const seen: number[] = [];
    d.addCallback((x) => x + 1).addCallback((x) => x * 10).addCallback((x) => {
      seen.push(x);
      return x;
    });
    d.callback(1);
    expect(seen).toEqual([20]);
  });

  it('[D3] addCallbacks with a null errback passes failures through; null args mean none', () => {
    const d = fail<number>(new Boom('through'));
    let called = false;
    d.addCallbacks(() => {
      called = true;
      return 0;
    }, null, { callbackArgs: null, errbackArgs: null });
    expect(called).toBe(false);
    expect(failureOf(d).value.message).toBe('through');
    const ok = succeed(5);
    const args: unknown[][] = [];
    ok.addCallbacks((...a: unknown[]) => {
      args.push(a);
      return 6;
    }, (f: Failure) => f, { callbackArgs: null, errbackArgs: null });
    expect(args).toEqual([[5]]);
  });

  it('[D4] a callback added to an already-fired Deferred runs at once (success and failure)', () => {
    const ran: string[] = [];
    succeed(1).addCallback(() => ran.push('cb'));
    fail(new Boom()).addErrback(() => ran.push('eb'));
    expect(ran).toEqual(['cb', 'eb']);
  });

  it('[D5] a thrown error becomes a Failure for the next errback; so does a returned Failure', () => {
    const d = new Deferred<number>();
    const failures: Failure[] = [];
    d.addCallback(() => {
      throw new Boom('thrown');
    }).addCallback(() => 'skipped').addErrback((f: Failure) => {
      failures.push(f);
      return new Failure(new Boom('returned'));
    }).addErrback((f: Failure) => {
      failures.push(f);
      return undefined;
    });
    d.callback(0);
    expect(failures.map((f) => [f.value.constructor, f.value.message])).toEqual([[Boom, 'thrown'], [Boom, 'returned']]);
  });

  it('[D5] throwing a non-Error wraps it in NonErrorReason', () => {
    const d = succeed(1).addCallback(() => {
      throw 'a string';
    });
    const f = failureOf(d);
    expect(f.value).toBeInstanceOf(NonErrorReason);
    expect((f.value as NonErrorReason).reason).toBe('a string');
  });

  it('[D6] an errback returning a non-Failure switches back to the callback side', () => {
    const d = fail<number>(new Boom());
    const seen: unknown[] = [];
    d.addErrback(() => 42).addCallbacks((x) => {
      seen.push(['cb', x]);
      return x;
    }, (f: Failure) => {
      seen.push(['eb', f]);
      return f;
    });
    expect(seen).toEqual([['cb', 42]]);
  });

  it('[D7] a callback returning an unfired Deferred pauses the outer chain until it fires; its result flows on', () => {
    const inner = new Deferred<string>();
    const outer = new Deferred<number>();
    const seen: unknown[] = [];
    outer.addCallback(() => inner).addCallback((s: string) => {
      seen.push(s);
      return s;
    });
    outer.callback(1);
    expect(seen).toEqual([]);
    expect(outer.paused).toBe(true);
    expect(outer.result).toBe(inner);
    inner.callback('inner-result');
    expect(seen).toEqual(['inner-result']);
    expect(outer.paused).toBe(false);
    expect(inner.result).toBeUndefined();
  });

  it('[D8] an already-fired returned Deferred chains synchronously and its own result becomes undefined', () => {
    const inner = succeed('ready');
    const outer = succeed(0).addCallback(() => inner);
    expect(outer.result).toBe('ready');
    expect(inner.result).toBeUndefined();
    expect(inner.called).toBe(true);
  });

  it('[D9] errbacks may return Deferreds too', () => {
    const inner = new Deferred<string>();
    const outer = fail<string>(new Boom()).addErrback(() => inner);
    expect(outer.paused).toBe(true);
    inner.callback('recovered');
    expect(outer.result).toBe('recovered');
  });

  it('[D10] a failed returned Deferred hands its failure on and no longer holds it (sync and async)', () => {
    const syncInner = fail(new Boom('sync'));
    expect(syncInner._failToken).not.toBeNull();
    const outer1 = succeed(0).addCallback(() => syncInner);
    expect(failureOf(outer1).value.message).toBe('sync');
    expect(syncInner.result).toBeUndefined();
    expect(syncInner._failToken).toBeNull();

    const asyncInner = new Deferred<number>();
    const outer2 = succeed(0).addCallback(() => asyncInner);
    asyncInner.errback(new Boom('async'));
    expect(asyncInner._failToken).toBeNull();
    expect(outer2._failToken).not.toBeNull();
    expect(failureOf(outer2).value.message).toBe('async');
    expect(outer2._failToken).toBeNull();
  });

  it('[D11] chaining is transitive: A waits on B waits on C', () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    const c = new Deferred<string>();
    const results: unknown[] = [];
    a.addCallback(() => b).addCallback((r) => {
      results.push(['a', r]);
      return r;
    });
    b.addCallback(() => c).addCallback((r) => {
      results.push(['b', r]);
      return `${String(r)}!`;
    });
    a.callback(1);
    b.callback(2);
    expect(results).toEqual([]);
    c.callback('c');
    expect(results).toEqual([['b', 'c'], ['a', 'c!']]);
    expect(b.result).toBeUndefined();
    expect(c.result).toBeUndefined();
  });

  it('[D11] nested chains with callbacks added to the inner Deferred before it is returned', () => {
    const results: unknown[] = [];
    const failures: Failure[] = [];
    const inner = new Deferred<string>();
    const cb = (result: string): Deferred<unknown> => {
      results.push(['start-of-cb', result]);
      return succeed('inner')
        .addCallback((r: string) => {
          results.push(['firstCallback', r]);
          return inner.addCallback((s: string) => [s]);
        })
        .addCallback((r: string[]) => {
          results.push(['secondCallback', r]);
          return [...r, ...r];
        })
        .addErrback((f: Failure) => {
          failures.push(f);
        });
    };
    const outer = succeed('outer');
    outer.addCallback(cb).addCallback((r) => results.push(r));
    expect(results).toEqual([['start-of-cb', 'outer'], ['firstCallback', 'inner']]);
    inner.callback('withers');
    expect(failures).toEqual([]);
    expect(results).toEqual([
      ['start-of-cb', 'outer'], ['firstCallback', 'inner'], ['secondCallback', ['withers']], ['withers', 'withers'],
    ]);
  });

  it("[D12] the middle Deferred's callbacks run after the third fires and before the first gets its result", () => {
    const results: unknown[] = [];
    const failures: Failure[] = [];
    const inner = new Deferred<string>();
    const outer = succeed('outer');
    outer.addCallback((result: string) => {
      results.push(['start-of-cb', result]);
      return succeed('inner').addCallback(() => {
        results.push(['firstCallback', 'inner']);
        return inner;
      }).addCallback((r: string) => {
        results.push(['secondCallback', r]);
        return r + r;
      }).addErrback((f: Failure) => {
        failures.push(f);
      });
    });
    inner.callback('orange');
    outer.addCallback((r) => results.push(r));
    expect(failures).toEqual([]);
    expect(results).toEqual([['start-of-cb', 'outer'], ['firstCallback', 'inner'], ['secondCallback', 'orange'], 'orangeorange']);
  });

  it('[D12] the continuation need not be the first callback, and later outer callbacks keep their order', () => {
    const results: unknown[] = [];
    const a = new Deferred<string>();
    const outer = new Deferred<string>();
    outer.addCallback((result: string) => {
      results.push(['cb', result]);
      const d = new Deferred<undefined>();
      const returner = d.addCallback((r) => {
        results.push(['firstCallback', r]);
        return gatherResults([a]);
      }).addCallback((r: string[]) => {
        results.push(['secondCallback', r]);
      });
      d.callback(undefined);
      return returner;
    });
    outer.addCallback(() => results.push(['final']));
    outer.callback('outer');
    expect(results).toEqual([['cb', 'outer'], ['firstCallback', undefined]]);
    a.callback('withers');
    expect(results).toEqual([['cb', 'outer'], ['firstCallback', undefined], ['secondCallback', ['withers']], ['final']]);
  });

  it('[D12] callbacks added to the middle of three chained Deferreds after they resolved still run', () => {
    const first = new Deferred<undefined>();
    const second = new Deferred<undefined>();
    const third = new Deferred<undefined>();
    first.addCallback(() => second);
    second.addCallback(() => third);
    second.callback(undefined);
    first.callback(undefined);
    third.callback(undefined);
    const results: unknown[] = [];
    second.addCallback((r) => results.push(r));
    expect(results).toEqual([undefined]);
  });

  it('[D13] a callback added by a running callback runs after it returns, at the end of the chain', () => {
    const d = new Deferred<undefined>();
    const called: number[] = [];
    d.addCallback(() => {
      called.push(1);
      d.addCallback(() => {
        called.push(3);
      });
      expect(called).toEqual([1]);
    });
    d.addCallback(() => {
      called.push(2);
    });
    d.callback(undefined);
    expect(called).toEqual([1, 2, 3]);
  });

  it('[D13] if such a late callback throws, the next errback gets it', () => {
    const d = new Deferred<undefined>();
    d.addCallback(() => {
      d.addCallback(() => {
        throw new Boom('late');
      });
    });
    d.callback(undefined);
    expect(failureOf(d).value.message).toBe('late');
  });

  it('[D15] a callback returning its own Deferred fails the chain with CircularChainError (Twisted warns, then hangs)', () => {
    const d = new Deferred<unknown>();
    d.addCallback(() => d);
    d.callback(1);
    expect(failureOf(d).value).toBeInstanceOf(CircularChainError);
  });

  it('[D16] chainDeferred and implicit chains are recorded, and cleared once resolved', () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    a.chainDeferred(b);
    expect(b._chainedTo).toBe(a);
    a.callback(1);
    expect(b._chainedTo).toBeNull();
    expect(b.result).toBe(1);
    expect(a.result).toBeUndefined();

    const inner = new Deferred<number>();
    const outer = succeed(0).addCallback(() => inner);
    expect(outer._chainedTo).toBe(inner);
    inner.callback(5);
    expect(outer._chainedTo).toBeNull();
  });

  it('[D16] chainDeferred forwards failures to the other Deferred', () => {
    const a = new Deferred<number>();
    const b = new Deferred<number>();
    a.chainDeferred(b);
    a.errback(new Boom('fwd'));
    expect(failureOf(b).value.message).toBe('fwd');
    expect(a.result).toBeUndefined();
  });

  it('[D17] toString shows the result, or what it waits on (JS analogue of repr)', () => {
    const d = new Deferred<string>();
    expect(String(d)).toMatch(/^<Deferred #\d+>$/);
    d.callback('orange');
    expect(String(d)).toMatch(/^<Deferred #\d+ current result: "orange">$/);
    const inner = new Deferred<number>();
    const outer = succeed(1).addCallback(() => inner);
    const innerId = /#(\d+)/.exec(String(inner))?.[1];
    expect(String(outer)).toBe(`<Deferred #${/#(\d+)/.exec(String(outer))?.[1]} waiting on Deferred #${innerId}>`);
    const failed = fail(new Boom('x'));
    expect(String(failed)).toMatch(/current result: \[Failure Error: x\]/);
    failed.addErrback(() => undefined);
    inner.callback(0);
  });
});

describe('bounded stack depth [D14]', () => {
  const N = 100_000;

  /** Frames on the stack where it is called. */
  function depth(): number {
    const previous = Error.stackTraceLimit;
    Error.stackTraceLimit = Infinity;
    const frames = (new Error().stack ?? '').split('\n').length;
    Error.stackTraceLimit = previous;
    return frames;
  }

  it('runs a flat chain of 100,000 callbacks without growing the stack', () => {
    const d = new Deferred<number>();
    const depths: number[] = [];
    for (let i = 0; i < N; i++) d.addCallback((x: number) => x + 1);
    d.addCallback((x: number) => {
      depths.push(depth());
      return x;
    });
    d.callback(0);
    expect(d.result).toBe(N);
    const shallow = succeed(0).addCallback(() => {
      depths.push(depth());
    });
    expect(shallow.called).toBe(true);
    expect(depths[0]).toBe(depths[1]);
  });

  it('resolves a nested chain of 100,000 pending Deferreds (A waits on B waits on C …) without growing the stack', () => {
    const ds = Array.from({ length: N }, () => new Deferred<number>());
    const depths: number[] = [];
    for (let i = 0; i < N - 1; i++) ds[i]?.addCallback(() => ds[i + 1] as Deferred<number>);
    const top = ds[0] as Deferred<number>;
    top.addCallback((r: number) => {
      depths.push(depth());
      return r;
    });
    for (let i = 0; i < N - 1; i++) ds[i]?.callback(0);
    expect(top.called).toBe(true);
    expect(top.paused).toBe(true);
    (ds[N - 1] as Deferred<number>).callback(42);
    expect(top.result).toBe(42);
    expect(top.paused).toBe(false);
    // Same depth as a two-level chain resolved from the test body.
    const inner = new Deferred<number>();
    succeed(0).addCallback(() => inner).addCallback((r: number) => {
      depths.push(depth());
      return r;
    });
    inner.callback(1);
    expect(depths[0]).toBe(depths[1]);
  });

  it('resolves 100,000 Deferreds each chained on an already-fired one', () => {
    let d = succeed(0);
    for (let i = 0; i < N; i++) {
      const prev = d;
      d = succeed(i).addCallback(() => prev).addCallback((x: number) => x + 1);
    }
    expect(d.result).toBe(N);
  });
});

describe('pause', () => {
  it('[D18] a paused Deferred runs no callbacks until unpaused, even when already fired', () => {
    const d = new Deferred<number>();
    const seen: number[] = [];
    d.pause();
    d.callback(1);
    d.addCallback((x) => seen.push(x));
    expect(seen).toEqual([]);
    expect(d.paused).toBe(true);
    d.pause();
    d.unpause();
    expect(seen).toEqual([]);
    d.unpause();
    expect(seen).toEqual([1]);
    expect(d.paused).toBe(false);
    d.unpause(); // extra unpause is a no-op (Twisted would go negative)
    expect(d.paused).toBe(false);
  });

  it('[D18] pausing a failed Deferred holds the errbacks too', () => {
    const d = fail(new Boom('p'));
    d.pause();
    const seen: string[] = [];
    d.addErrback((f: Failure) => {
      seen.push(f.getErrorMessage());
    });
    expect(seen).toEqual([]);
    d.unpause();
    expect(seen).toEqual(['p']);
  });

  it('[D18] unpause before callback does nothing until the result arrives', () => {
    const d = new Deferred<number>();
    d.pause();
    d.unpause();
    const seen: number[] = [];
    d.addCallback((x) => seen.push(x));
    expect(seen).toEqual([]);
    d.callback(3);
    expect(seen).toEqual([3]);
  });

  it('[D19] a paused Deferred with a result returned from a callback makes the other wait for the unpause', () => {
    const paused = succeed('expected');
    paused.pause();
    const chained = succeed(undefined).addCallback(() => paused);
    const result: string[] = [];
    chained.addCallback((r: string) => result.push(r));
    expect(result).toEqual([]);
    paused.unpause();
    expect(result).toEqual(['expected']);
  });

  it('[D20] … and the earlier Deferred runs the rest of its chain at once', () => {
    const first = new Deferred<undefined>();
    const second = new Deferred<string>();
    first.addCallback(() => second);
    first.callback(undefined);
    const after: unknown[] = [];
    second.addCallback((r) => {
      after.push(r);
      return r;
    });
    first.pause();
    second.callback('x');
    expect(after).toEqual([undefined]); // second's result went to first, as in Twisted
    const seen: unknown[] = [];
    first.addCallback((r) => seen.push(r));
    expect(seen).toEqual([]);
    first.unpause();
    expect(seen).toEqual(['x']);
  });

  it('[D20] a paused Deferred met while pushing results forward does not block earlier ones', () => {
    const first = new Deferred<undefined>();
    const second = new Deferred<undefined>();
    first.addCallback(() => second);
    first.callback(undefined);
    first.pause();
    second.callback(undefined);
    const result: unknown[] = [];
    second.addCallback((r) => result.push(r));
    expect(result).toEqual([undefined]);
  });
});

describe('firing rules', () => {
  const cases: Array<[string, (d: Deferred<number>) => void, (d: Deferred<number>) => void]> = [
    ['callback then callback', (d) => d.callback(1), (d) => d.callback(2)],
    ['callback then errback', (d) => d.callback(1), (d) => d.errback(new Boom())],
    ['errback then errback', (d) => d.errback(new Boom()), (d) => d.errback(new Boom())],
    ['errback then callback', (d) => d.errback(new Boom()), (d) => d.callback(1)],
  ];
  for (const [name, first, second] of cases) {
    it(`[D21] ${name} throws AlreadyCalledError`, () => {
      const d = new Deferred<number>();
      d.addErrback(() => 0);
      first(d);
      expect(() => second(d)).toThrow(AlreadyCalledError);
    });
  }

  it('[D24] errback() with no reason fails with NonErrorReason (JS has no "current exception")', () => {
    const d = new Deferred();
    d.errback();
    const f = failureOf(d);
    expect(f.value).toBeInstanceOf(NonErrorReason);
    expect(f.getErrorMessage()).toMatch(/without a reason/);
  });

  it('[D24] errback with a Failure uses it as is; with a non-Error wraps it', () => {
    const f = new Failure(new Boom());
    const d = new Deferred();
    d.errback(f);
    expect(failureOf(d)).toBe(f);
    const e = new Deferred();
    e.errback(404);
    expect((failureOf(e).value as NonErrorReason).reason).toBe(404);
  });

  it('[D25] succeed(x) is the same as new Deferred() + callback(x); fail(e) fires errbacks at once', () => {
    const manual = new Deferred<string>();
    manual.callback('x');
    const quick = succeed('x');
    expect(quick.called).toBe(manual.called);
    expect(quick.result).toBe(manual.result);
    expect(quick.paused).toBe(manual.paused);
    expect(resultOf(quick)).toBe('x');
    expect(() => quick.callback('again')).toThrow(AlreadyCalledError);
    const e = new Boom();
    expect(failureOf(fail(e)).value).toBe(e);
  });

  it('callback with a Failure runs the errback side, as in Twisted', () => {
    const d = new Deferred<unknown>();
    d.callback(new Failure(new Boom('via callback')));
    expect(failureOf(d).getErrorMessage()).toBe('via callback');
  });
});

describe('cancellation', () => {
  it('[D30] cancelling a Deferred without canceller errbacks with CancelledError', () => {
    const d = new Deferred();
    d.cancel();
    expect(failureOf(d).value).toBeInstanceOf(CancelledError);
  });

  it('[D31] after such a cancel one later callback/errback is swallowed; the next raises', () => {
    const a = new Deferred<number>();
    a.addErrback(() => undefined);
    a.cancel();
    a.callback(1);
    expect(() => a.callback(2)).toThrow(AlreadyCalledError);
    const b = new Deferred<number>();
    b.addErrback(() => undefined);
    b.cancel();
    b.errback(new Boom());
    expect(() => b.errback(new Boom())).toThrow(AlreadyCalledError);
  });

  it('[D32] repeated cancel() calls are no-ops (with and without canceller, before and after the late fire)', () => {
    const d = new Deferred();
    const errors: Failure[] = [];
    d.addErrback((f: Failure) => {
      errors.push(f);
    });
    d.cancel();
    d.cancel();
    d.callback(1);
    d.cancel();
    expect(errors).toHaveLength(1);
    let cancels = 0;
    const c = new Deferred(() => {
      cancels++;
    });
    c.addErrback(() => undefined);
    c.cancel();
    c.cancel();
    expect(cancels).toBe(1);
    // With a canceller there is no swallowing: a late callback raises.
    expect(() => c.callback(1)).toThrow(AlreadyCalledError);
  });

  it('[D33] the canceller receives the Deferred; if it does not fire it CancelledError is used', () => {
    let got: Deferred<number> | undefined;
    const d = new Deferred<number>((x) => {
      got = x;
    });
    d.cancel();
    expect(got).toBe(d);
    expect(failureOf(d).value).toBeInstanceOf(CancelledError);
  });

  it('[D33] a canceller may callback or errback instead', () => {
    const ok = new Deferred<string>((d) => d.callback('cancelled-ok'));
    ok.cancel();
    expect(ok.result).toBe('cancelled-ok');
    const bad = new Deferred<string>((d) => d.errback(new Boom('custom')));
    bad.cancel();
    expect(failureOf(bad).value).toBeInstanceOf(Boom);
  });

  it('[D34] cancel() after the Deferred fired does nothing', () => {
    let cancelled = false;
    const d = new Deferred<number>(() => {
      cancelled = true;
    });
    d.callback(1);
    d.cancel();
    expect(cancelled).toBe(false);
    expect(d.result).toBe(1);
    const e = new Deferred();
    e.errback(new Boom('kept'));
    e.cancel();
    expect(failureOf(e).getErrorMessage()).toBe('kept');
  });

  it('[D35] cancelling a Deferred waiting on an inner one cancels the inner, whose CancelledError flows out', () => {
    let innerCancelled = false;
    const inner = new Deferred<number>(() => {
      innerCancelled = true;
    });
    const outer = succeed(0).addCallback(() => inner);
    outer.cancel();
    expect(innerCancelled).toBe(true);
    expect(failureOf(outer).value).toBeInstanceOf(CancelledError);
  });

  it('[D36] the canceller reference is dropped once the Deferred fires', () => {
    const canceller = (): void => undefined;
    const a = new Deferred<number>(canceller);
    expect(a._canceller).toBe(canceller);
    a.callback(1);
    expect(a._canceller).toBeNull();
    const b = new Deferred<number>(canceller);
    b.errback(new Boom());
    b.addErrback(() => 0);
    expect(b._canceller).toBeNull();
    const c = new Deferred<unknown>(canceller);
    c.addCallback(() => new Deferred());
    c.callback(undefined);
    expect(c._canceller).toBeNull();
  });
});

describe('await and Promise interop', () => {
  it('[D64] await suspends until the Deferred fires and gives its result; the chain result is unchanged', async () => {
    const d = new Deferred<number>();
    const p = (async () => (await d) + 1)();
    let settled = false;
    void p.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    d.callback(41);
    expect(await p).toBe(42);
    expect(d.result).toBe(41);
  });

  it('[D64] awaiting a failed Deferred throws the failure value, and the failure is then not reported as unhandled', async () => {
    const e = new Boom('awaited');
    const d = fail(e);
    await expect((async () => d)()).rejects.toBe(e);
    const late = new Deferred<number>();
    const caught = (async () => {
      try {
        await late;
        return 'no';
      } catch (error) {
        return error;
      }
    })();
    late.errback(e);
    expect(await caught).toBe(e);
    expect(late._failToken).toBeNull();
    expect(failureOf(late).value).toBe(e);
  });

  it('[D64] awaiting chained Deferreds gives the innermost result (twoDeep)', async () => {
    const inner = new Deferred<string>();
    const outer = succeed(0).addCallback(() => inner).addCallback((s: string) => s.toUpperCase());
    const p = (async () => await outer)();
    inner.callback('deep');
    expect(await p).toBe('DEEP');
  });

  it('[D64] then() follows the Promise contract: handlers, chaining, and rejection handler', async () => {
    expect(await succeed(2).then((x) => x * 2)).toBe(4);
    expect(await fail(new Boom('r')).then(() => 'no', (e: unknown) => (e as Error).message)).toBe('r');
    expect(await Promise.resolve(succeed('via resolve'))).toBe('via resolve');
  });

  it('[D69] asPromise resolves/rejects with the outcome', async () => {
    await expect(succeed(1).asPromise()).resolves.toBe(1);
    const e = new Boom();
    await expect(fail(e).asPromise()).rejects.toBe(e);
  });

  it('[D69] fromPromise fires with the Promise outcome (non-Errors wrapped)', async () => {
    const ok = Deferred.fromPromise(Promise.resolve('p'));
    expect(ok.called).toBe(false);
    expect(await ok).toBe('p');
    const bad = Deferred.fromPromise(Promise.reject(new Error('nope')));
    await expect(bad.asPromise()).rejects.toThrow('nope');
    const odd = Deferred.fromPromise(Promise.reject(7));
    const err = await odd.asPromise().catch((error: unknown) => error);
    expect(err).toBeInstanceOf(NonErrorReason);
    expect((err as NonErrorReason).reason).toBe(7);
  });

  it('[D69] cancelling a fromPromise Deferred errbacks it at once and drops the later outcome', async () => {
    let resolve: (v: string) => void = () => undefined;
    const p = new Promise<string>((r) => {
      resolve = r;
    });
    const d = Deferred.fromPromise(p);
    d.cancel();
    expect(failureOf(d).value).toBeInstanceOf(CancelledError);
    resolve('late');
    await p;
    await Promise.resolve();
    expect(d.result).toBeUndefined();
    expect(() => d.callback('again')).toThrow(AlreadyCalledError);
  });
});

describe('random chains against a model (fast-check)', () => {
  type Step =
    | { kind: 'add'; n: number }
    | { kind: 'throw'; m: string }
    | { kind: 'recover'; v: number }
    | { kind: 'fired' }
    | { kind: 'pending' }
    | { kind: 'pendingFail' }
    | { kind: 'pause' };

  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), n: fc.integer({ min: -5, max: 5 }) }),
    fc.record({ kind: fc.constant('throw' as const), m: fc.constantFrom('a', 'b') }),
    fc.record({ kind: fc.constant('recover' as const), v: fc.integer({ min: 0, max: 9 }) }),
    fc.constant({ kind: 'fired' as const }),
    fc.constant({ kind: 'pending' as const }),
    fc.constant({ kind: 'pendingFail' as const }),
    fc.constant({ kind: 'pause' as const }),
  );

  it('gives the same outcome as a direct evaluation, whatever the mix of sync, pending and paused steps', () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 30 }), fc.integer({ min: 0, max: 9 }), (steps, start) => {
      // Model: evaluate the steps directly.
      let ok = true;
      let value: number | string = start;
      for (const s of steps) {
        if (ok) {
          if (s.kind === 'add') value = (value as number) + s.n;
          else if (s.kind === 'throw') [ok, value] = [false, s.m];
          else if (s.kind === 'fired') value = (value as number) * 2;
          else if (s.kind === 'pending') value = (value as number) + 100;
          else if (s.kind === 'pendingFail') [ok, value] = [false, 'p'];
        } else if (s.kind === 'recover') {
          [ok, value] = [true, s.v];
        }
      }
      // The real thing, with pending Deferreds and pauses released later, in order.
      const later: Array<() => void> = [];
      const d = new Deferred<number>();
      for (const s of steps) {
        switch (s.kind) {
          case 'add': d.addCallback((x: number) => x + s.n); break;
          case 'throw': d.addCallback(() => { throw new Error(s.m); }); break;
          case 'recover': d.addErrback(() => s.v); break;
          case 'fired': d.addCallback((x: number) => succeed(x * 2)); break;
          case 'pending': d.addCallback((x: number) => {
            const inner = new Deferred<number>();
            later.push(() => inner.callback(x + 100));
            return inner;
          }); break;
          case 'pendingFail': d.addCallback(() => {
            const inner = new Deferred<number>();
            later.push(() => inner.errback(new Error('p')));
            return inner;
          }); break;
          case 'pause': d.addBoth((r: unknown) => {
            d.pause();
            later.push(() => d.unpause());
            return r as number;
          }); break;
        }
      }
      d.callback(start);
      while (later.length > 0) (later.shift() as () => void)();
      expect(d.called).toBe(true);
      expect(d.paused).toBe(false);
      const r = d.result;
      if (ok) expect(r).toBe(value);
      else expect((r as Failure).getErrorMessage()).toBe(value);
      if (r instanceof Failure) d.addErrback(() => undefined);
    }), { numRuns: 300 });
  });
});
