/**
 * Turning things into Deferreds: `maybeDeferred` (call a function, whatever it returns or throws)
 * and `ensureDeferred` (a Deferred, a thenable, or a generator run as inlineCallbacks).
 * Tests: test/defer/maybe-deferred.test.ts.
 */
import { Deferred, fail, succeed } from './deferred';
import { NotACoroutineError } from './errors';
import { Failure } from './failure';
import { isGenerator, isThenable } from './guards';
import { fromCoroutine } from './inline-callbacks';

/**
 * Call `fn(...args)` and return a Deferred of its outcome: a returned Deferred as is, a thrown
 * error or returned Failure as a failed Deferred, a returned Promise (Twisted: a coroutine) through
 * `Deferred.fromPromise`, any other value as a fired Deferred.
 */
export function maybeDeferred<A extends unknown[], R>(
  fn: (...args: A) => R | Deferred<R> | PromiseLike<R> | Failure,
  ...args: A
): Deferred<R> {
  let result: R | Deferred<R> | PromiseLike<R> | Failure;
  try {
    result = fn(...args);
  } catch (error) {
    return fail<R>(error);
  }
  if (result instanceof Deferred) return result;
  if (result instanceof Failure) return fail<R>(result);
  if (isThenable(result)) return Deferred.fromPromise(result as PromiseLike<R>);
  return succeed(result);
}

/**
 * A Deferred for `value`: a Deferred is returned unchanged, a thenable goes through
 * `Deferred.fromPromise`, a generator is run by `fromCoroutine` (inlineCallbacks). Anything else
 * throws {@link NotACoroutineError} (Twisted raises it for a value that is neither a coroutine nor a Deferred).
 */
export function ensureDeferred<T>(value: Deferred<T> | PromiseLike<T> | Generator<unknown, T, unknown>): Deferred<T> {
  if (value instanceof Deferred) return value;
  if (isGenerator(value)) return fromCoroutine(value);
  if (isThenable(value)) return Deferred.fromPromise(value);
  throw new NotACoroutineError(`${describe(value)} is not a thenable, a generator or a Deferred`);
}

function describe(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
