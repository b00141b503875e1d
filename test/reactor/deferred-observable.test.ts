/** Tests for src/reactor/deferred-observable.ts: the Deferred ⇄ RxJS bridge. */
import { EMPTY, Observable, Subject, of, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { CancelledError, Deferred, Failure, fail, succeed } from 'torsion/defer';
import { fromObservable, toObservable } from '../../src/reactor/deferred-observable';

interface Seen {
  events: unknown[];
}

function record<T>(obs: Observable<T>): Seen & { unsubscribe: () => void } {
  const events: unknown[] = [];
  const sub = obs.subscribe({
    next: (v) => events.push(['next', v]),
    error: (e: unknown) => events.push(['error', e]),
    complete: () => events.push(['complete']),
  });
  return { events, unsubscribe: () => sub.unsubscribe() };
}

describe('toObservable', () => {
  it('emits the result then completes, when the Deferred fires later', () => {
    const d = new Deferred<number>();
    const seen = record(toObservable(d));
    expect(seen.events).toEqual([]);
    d.callback(5);
    expect(seen.events).toEqual([['next', 5], ['complete']]);
    expect(d.result).toBe(5); // passes through
  });

  it('stays synchronous when the Deferred already fired', () => {
    const seen = record(toObservable(succeed('now')));
    expect(seen.events).toEqual([['next', 'now'], ['complete']]);
  });

  it("errors with the failure's Error, which then is not reported as unhandled", () => {
    const e = new RangeError('bad');
    const d = fail(e);
    const seen = record(toObservable(d));
    expect(seen.events).toEqual([['error', e]]);
    expect(d._failToken).toBeNull();
    expect((d.result as Failure).value).toBe(e);
  });

  it('unsubscribing before it fires cancels the Deferred (and that CancelledError is not reported)', () => {
    let cancelled = 0;
    const d = new Deferred<number>(() => {
      cancelled++;
    });
    const seen = record(toObservable(d));
    seen.unsubscribe();
    expect(cancelled).toBe(1);
    expect((d.result as Failure).value).toBeInstanceOf(CancelledError);
    expect(d._failToken).toBeNull();
    expect(seen.events).toEqual([]);
  });

  it('unsubscribing after it fired does not cancel', () => {
    let cancelled = 0;
    const d = new Deferred<number>(() => {
      cancelled++;
    });
    const seen = record(toObservable(d));
    d.callback(1);
    seen.unsubscribe();
    expect(cancelled).toBe(0);
  });

  it('each subscription sees the result at its place in the chain', () => {
    const d = new Deferred<number>();
    const a = record(toObservable(d));
    d.addCallback((x: number) => x * 10);
    const b = record(toObservable(d));
    d.callback(2);
    expect(a.events[0]).toEqual(['next', 2]);
    expect(b.events[0]).toEqual(['next', 20]);
  });
});

describe('fromObservable', () => {
  it('fires with the first value, synchronously for a synchronous source', () => {
    const d = fromObservable(of(1, 2, 3));
    expect(d.called).toBe(true);
    expect(d.result).toBe(1);
  });

  it('fires with undefined when the source completes empty', () => {
    const d = fromObservable(EMPTY);
    expect(d.called).toBe(true);
    expect(d.result).toBeUndefined();
  });

  it("errbacks with the source's error", () => {
    const e = new Error('source failed');
    const d = fromObservable(throwError(() => e));
    let got: Failure | undefined;
    d.addErrback((f: Failure) => {
      got = f;
    });
    expect(got?.value).toBe(e);
  });

  it('unsubscribes after the first value of an asynchronous source', () => {
    const subject = new Subject<string>();
    const d = fromObservable(subject);
    expect(subject.observed).toBe(true);
    expect(d.called).toBe(false);
    subject.next('first');
    expect(d.result).toBe('first');
    expect(subject.observed).toBe(false);
    subject.next('second');
    expect(d.result).toBe('first');
  });

  it('cancelling the Deferred unsubscribes and errbacks with CancelledError', () => {
    let tornDown = 0;
    const source = new Observable<number>(() => () => {
      tornDown++;
    });
    const d = fromObservable(source);
    d.cancel();
    expect(tornDown).toBe(1);
    let got: Failure | undefined;
    d.addErrback((f: Failure) => {
      got = f;
    });
    expect(got?.value).toBeInstanceOf(CancelledError);
  });

  it('round-trips: fromObservable(toObservable(d))', () => {
    const d = new Deferred<string>();
    const back = fromObservable(toObservable(d));
    d.callback('round');
    expect(back.result).toBe('round');
    const d2 = new Deferred<string>();
    const back2 = fromObservable(toObservable(d2));
    back2.addErrback(() => undefined);
    back2.cancel(); // unsubscribes from toObservable, which cancels d2
    expect((d2.result as Failure).value).toBeInstanceOf(CancelledError);
  });
});
