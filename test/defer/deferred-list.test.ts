/** Tests for src/defer/deferred-list.ts: DeferredList and gatherResults ([D37]–[D45]). */
import { describe, expect, it } from 'vitest';
import { captureLogs } from '../../src/log';
import {
  CancelledError, Deferred, DeferredList, Failure, FirstError, fail, gatherResults, succeed, type DeferredListEntry,
} from 'torsion/defer';
import { failureOf } from './helpers';

class GenericError extends Error {}

const callbackCanceller = (d: Deferred<string>): void => d.callback('Callback Result');

function resultOf<T>(d: Deferred<T>): T {
  let got: { v: T } | undefined;
  d.addCallback((v: T) => {
    got = { v };
    return v;
  });
  if (got === undefined) throw new Error('no result');
  return got.v;
}

describe('DeferredList', () => {
  it('[D37] fires with [success, result] in input order once all fired; failures appear as Failures', () => {
    const d1 = new Deferred<string>();
    const d2 = new Deferred<string>();
    const d3 = new Deferred<string>();
    const dl = new DeferredList([d1, d2, d3]);
    const results: DeferredListEntry<string>[][] = [];
    dl.addCallback((r) => {
      results.push(r);
    });
    d1.callback('1');
    expect(results).toEqual([]);
    d2.errback(new GenericError('Bang'));
    expect(results).toEqual([]);
    d3.callback('3');
    expect(results).toHaveLength(1);
    const [r] = results;
    expect(r?.[0]).toEqual([true, '1']);
    expect(r?.[1]?.[0]).toBe(false);
    expect((r?.[1]?.[1] as Failure).value).toBeInstanceOf(GenericError);
    expect(r?.[2]).toEqual([true, '3']);
    // consumeErrors=false: the failure still flows down d2 — catch it as Twisted's test does.
    expect(failureOf(d2).getErrorMessage()).toBe('Bang');
  });

  it('[D38] an empty DeferredList fires at once with []; with fireOnOneCallback it never fires', () => {
    expect(resultOf(new DeferredList([]))).toEqual([]);
    const never = new DeferredList([], { fireOnOneCallback: true });
    expect(never.called).toBe(false);
  });

  it('[D39] fireOnOneErrback errbacks at the first failure with FirstError(subFailure, index)', () => {
    const d1 = new Deferred<string>();
    const d2 = new Deferred<string>();
    const dl = new DeferredList([d1, d2], { fireOnOneErrback: true });
    d1.errback(new GenericError('first'));
    const f = failureOf(dl);
    expect(f.value).toBeInstanceOf(FirstError);
    const first = f.value as FirstError;
    expect(first.index).toBe(0);
    expect(first.subFailure.value).toBeInstanceOf(GenericError);
    expect(first.subFailure.getErrorMessage()).toBe('first');
    d2.errback(new GenericError('second')); // after firing: no AlreadyCalledError
    d1.addErrback(() => undefined);
    d2.addErrback(() => undefined);
  });

  it('[D40] fireOnOneCallback fires with [result, index] of the first success', () => {
    const d1 = new Deferred<string>();
    const d2 = new Deferred<string>();
    const dl = new DeferredList([d1, d2], { fireOnOneCallback: true });
    d2.callback('two');
    expect(resultOf(dl)).toEqual(['two', 1]);
    d1.callback('one');
  });

  it('[D41] consumeErrors=false leaves failures on the inputs; true turns them into undefined there', () => {
    const kept = new Deferred<string>();
    new DeferredList([kept]);
    kept.errback(new GenericError('Bang'));
    expect(kept._failToken).not.toBeNull();
    expect(failureOf(kept).getErrorMessage()).toBe('Bang');

    const consumed = new Deferred<string>();
    const dl = new DeferredList([consumed], { consumeErrors: true });
    const trapped: Failure[] = [];
    consumed.addErrback((f: Failure) => {
      trapped.push(f);
    });
    consumed.errback(new GenericError('Bang'));
    expect(trapped).toEqual([]);
    expect(consumed.result).toBeUndefined();
    const entry = resultOf(dl)[0];
    expect(entry?.[0]).toBe(false);
    expect((entry?.[1] as Failure).getErrorMessage()).toBe('Bang');
  });

  it('[D42] already-fired inputs are handled during construction', () => {
    const dl = new DeferredList([succeed('a'), succeed('b')]);
    expect(dl.called).toBe(true);
    expect(resultOf(dl)).toEqual([[true, 'a'], [true, 'b']]);
    const bad = fail(new GenericError('early'));
    const one = new DeferredList([succeed('a'), bad, new Deferred()], { fireOnOneErrback: true });
    expect(one.called).toBe(true);
    expect((failureOf(one).value as FirstError).index).toBe(1);
    bad.addErrback(() => undefined);
  });

  it('[D43] cancelling an unfired DeferredList cancels every input it was given (not later additions)', () => {
    const one = new Deferred<undefined>();
    const two = new Deferred<undefined>();
    const inputs = [one, two];
    const dl = new DeferredList(inputs);
    const three = new Deferred<undefined>();
    inputs.push(three);
    dl.cancel();
    expect(failureOf(one).value).toBeInstanceOf(CancelledError);
    expect(failureOf(two).value).toBeInstanceOf(CancelledError);
    expect(three.called).toBe(false);
    // Without flags it then fires with the (success, result) list.
    const entries = resultOf(dl);
    expect(entries.map((e) => e[0])).toEqual([false, false]);
    expect((entries[0]?.[1] as Failure).check(CancelledError)).toBe(CancelledError);
  });

  it('[D43] a canceller that calls back shows up as a success entry', () => {
    const one = new Deferred<string>(callbackCanceller);
    const two = new Deferred<string>();
    const dl = new DeferredList([one, two]);
    dl.cancel();
    expect(failureOf(two).value).toBeInstanceOf(CancelledError);
    const entries = resultOf(dl);
    expect(entries[0]).toEqual([true, 'Callback Result']);
    expect(entries[1]?.[0]).toBe(false);
    expect((entries[1]?.[1] as Failure).check(CancelledError)).toBe(CancelledError);
  });

  it('[D43] every input is cancelled even if one canceller throws; the error is logged', () => {
    const logs = captureLogs();
    try {
      const one = new Deferred<string>(() => {
        throw new GenericError('canceller broke');
      });
      const two = new Deferred<string>();
      const dl = new DeferredList([one, two]);
      dl.cancel();
      expect(one.called).toBe(false);
      expect(failureOf(two).value).toBeInstanceOf(CancelledError);
      expect(logs.records).toHaveLength(1);
      expect(logs.records[0]?.message).toBe('Exception raised from user supplied canceller');
      expect((logs.records[0]?.fields['failure'] as Failure).getErrorMessage()).toBe('canceller broke');
    } finally {
      logs.restore();
    }
  });

  it('[D43] after the list fired (fireOnOneCallback / fireOnOneErrback), cancel is a no-op', () => {
    const a1 = new Deferred<undefined>();
    const a2 = new Deferred<undefined>();
    const byCallback = new DeferredList([a1, a2], { fireOnOneCallback: true });
    a1.callback(undefined);
    byCallback.cancel();
    expect(a2.called).toBe(false);

    const b1 = new Deferred<undefined>();
    const b2 = new Deferred<undefined>();
    const byErrback = new DeferredList([b1, b2], { fireOnOneErrback: true });
    b1.errback(new GenericError('x'));
    byErrback.cancel();
    expect(b2.called).toBe(false);
    failureOf(byErrback);
    failureOf(b1);
  });
});

describe('gatherResults', () => {
  it('[D44] fires with the list of plain results, or errbacks with FirstError', () => {
    expect(resultOf(gatherResults([succeed(1), succeed(2)]))).toEqual([1, 2]);
    const bad = fail<number>(new GenericError('v'));
    const g = gatherResults([succeed(1), bad]);
    const f = failureOf(g);
    expect(f.value).toBeInstanceOf(FirstError);
    expect((f.value as FirstError).index).toBe(1);
    expect(failureOf(bad).getErrorMessage()).toBe('v'); // still on the input: get rid of it
  });

  it('[D44] consumeErrors turns the inputs\u2019 failures into undefined', () => {
    const good = succeed(1);
    const bad = fail<number>(new GenericError('oh noes'));
    const g = gatherResults([good, bad], { consumeErrors: true });
    expect(bad.result).toBeUndefined();
    expect(bad._failToken).toBeNull();
    expect((failureOf(g).value as FirstError).subFailure.getErrorMessage()).toBe('oh noes');
  });

  it('[D44] cancelling it cancels all inputs; if every canceller calls back it fires with the results', () => {
    const one = new Deferred<string>();
    const two = new Deferred<string>();
    const g = gatherResults([one, two]);
    g.cancel();
    expect(failureOf(one).value).toBeInstanceOf(CancelledError);
    expect(failureOf(two).value).toBeInstanceOf(CancelledError);
    const first = failureOf(g).value as FirstError;
    expect(first.subFailure.check(CancelledError)).toBe(CancelledError);

    const g2 = gatherResults([new Deferred<string>(callbackCanceller), new Deferred<string>(callbackCanceller)]);
    g2.cancel();
    expect(resultOf(g2)).toEqual(['Callback Result', 'Callback Result']);
  });

  it('[D45] FirstError shows index and sub-failure; equality is by (index, failure)', () => {
    const sub = new Failure(new GenericError('inner'));
    const a = new FirstError(sub, 3);
    expect(a.message).toBe('FirstError[#3, [Failure Error: inner]]');
    expect(String(a)).toContain('FirstError[#3');
    expect(a.code).toBe('TORSION_ERR_FIRST_ERROR');
    expect(a.cause).toBe(sub.value);
    expect(a.equals(new FirstError(sub, 3))).toBe(true);
    expect(a.equals(new FirstError(sub, 4))).toBe(false);
    expect(a.equals(new FirstError(new Failure(new GenericError('inner')), 3))).toBe(false);
    expect(a.equals(new Error('x'))).toBe(false);
  });
});
