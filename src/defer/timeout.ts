/**
 * `Deferred.addTimeout`: cancel a Deferred that has not fired within a number of seconds on a
 * `ReactorTime`, turning the resulting CancelledError into a TimeoutError (or into whatever a
 * custom `onTimeoutCancel` returns). Tests: test/defer/timeout.test.ts.
 */
import type { Deferred } from './deferred';
import { CancelledError, TimeoutError } from './errors';
import { Failure } from './failure';
import type { ReactorTime } from './time';

/**
 * Called with the Deferred's result when it fired because of the timeout (normally a Failure of
 * CancelledError) and the timeout in seconds; its return value (or thrown error) becomes the result.
 */
export type OnTimeoutCancel<T, U> = (result: T | Failure, seconds: number) => U | Failure;

/** The default `onTimeoutCancel`: CancelledError becomes TimeoutError, anything else passes. */
export function cancelledToTimedOut<T>(result: T | Failure, seconds: number): T | Failure {
  if (result instanceof Failure) {
    result.trap(CancelledError);
    throw new TimeoutError(seconds);
  }
  return result;
}

/** @internal The body of {@link Deferred.addTimeout}. */
export function addTimeoutTo<T, U>(
  d: Deferred<T>,
  seconds: number,
  clock: ReactorTime,
  onTimeoutCancel?: OnTimeoutCancel<T, U>,
): Deferred<T | U> {
  let timedOut = false;
  const call = clock.callLater(seconds, () => {
    timedOut = true;
    d.cancel();
  });
  const convert = onTimeoutCancel ?? cancelledToTimedOut;
  return d
    .addBoth((result: T | Failure) => (timedOut ? convert(result, seconds) : result))
    .addBoth((result: T | U | Failure) => {
      if (call.active()) call.cancel();
      return result;
    }) as Deferred<T | U>;
}
