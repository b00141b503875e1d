/**
 * `Deferred.addTimeout`: cancel a Deferred that has not fired within a number of seconds on a
 * `ReactorTime`, turning the resulting CancelledError into a TimeoutError (or into whatever a
 * custom `onTimeoutCancel` returns). `Deferred.addTimeout` (deferred.ts) schedules the call; this file
 * holds the translation. Tests: test/defer/timeout.test.ts.
 */
import { CancelledError, TimeoutError } from './errors';
import { Failure } from './failure';

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
