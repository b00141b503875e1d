/**
 * The Deferred ⇄ RxJS 7 bridge (STYLE.md rule 5). Both directions stay synchronous: an
 * Observable of an already-fired Deferred emits during `subscribe()`, and a synchronous
 * Observable fires its Deferred during `fromObservable()`. Tests: test/reactor/deferred-observable.test.ts.
 */
import { Observable, take, type Subscription } from 'rxjs';
import { Deferred } from '../defer/deferred';
import type { Failure } from '../defer/failure';

/**
 * An Observable that emits `deferred`'s result and completes, or errors with the failure's
 * `value`. Each subscription adds one (callback, errback) pair at the end of the chain; the chain's
 * result passes through it unchanged, and a failure delivered to a subscriber is no longer reported
 * as unhandled. Unsubscribing before the Deferred fires cancels it (for every subscriber: a
 * Deferred has one result), and the resulting CancelledError is not reported as unhandled either.
 */
export function toObservable<T>(deferred: Deferred<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    let settled = false;
    deferred.addCallbacks(
      (result: T) => {
        settled = true;
        if (!subscriber.closed) {
          subscriber.next(result);
          subscriber.complete();
        }
        return result;
      },
      (failure: Failure) => {
        settled = true;
        deferred._awaited = failure;
        if (!subscriber.closed) subscriber.error(failure.value);
        return failure;
      },
    );
    return () => {
      if (!settled) deferred.cancel();
    };
  });
}

/**
 * A Deferred of `source`'s first value; it fires with `undefined` if `source` completes without
 * a value (as a Deferred that has nothing to report still fires, with None, in Twisted), and errbacks
 * with the source's error. After the first value the subscription ends. Cancelling the Deferred
 * unsubscribes and errbacks it with CancelledError.
 */
export function fromObservable<T>(source: Observable<T>): Deferred<T | undefined> {
  let subscription: Subscription | null = null;
  const deferred = new Deferred<T | undefined>(() => {
    subscription?.unsubscribe();
  });
  subscription = source.pipe(take(1)).subscribe({
    next: (value) => deferred.callback(value),
    error: (error: unknown) => deferred.errback(error),
    complete: () => {
      if (!deferred.called) deferred.callback(undefined);
    },
  });
  return deferred;
}
