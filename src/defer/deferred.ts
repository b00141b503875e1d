/**
 * `Deferred`: Twisted's promise of a result, with Twisted's semantics. It fires synchronously
 * (`callback()` runs the chain before returning), keeps one chain of (callback, errback) pairs
 * whose results feed each other, switches between the callback and errback sides on each step,
 * pauses while a callback's returned Deferred is pending, and can be cancelled.
 *
 * The chain runs iteratively: chained Deferreds (A waits on B waits on C …) are walked with an
 * explicit stack, so neither flat nor nested chains grow the call stack. Callbacks are stored as
 * flat groups of four slots (callback, errback, callback args, errback args) in one array per
 * Deferred; extra arguments are stored only when given. Tests: test/defer/deferred.test.ts.
 */
import { AlreadyCalledError, CancelledError, CircularChainError } from './errors';
import { Failure } from './failure';
import type { ReactorTime } from './time';
import { cancelledToTimedOut, type OnTimeoutCancel } from './timeout';
import {
  captureStack, formatDebugInfo, getDebugging, trackFailure, untrackFailure,
  type DebugInfo, type FailureToken,
} from './unhandled';

/** What a callback may return: a value, a Deferred to wait on, or a Failure to switch to the errback side. */
export type Chainable<U> = U | Deferred<U> | Failure;

/** Called by `cancel()` on an unfired Deferred; may fire it (otherwise CancelledError is used). */
export type Canceller<T> = (deferred: Deferred<T>) => void;

/** Extra arguments for {@link Deferred.addCallbacks} (`null` means none, as in Twisted). */
export interface AddCallbacksOptions<A extends unknown[], B extends unknown[]> {
  readonly callbackArgs?: A | null | undefined;
  readonly errbackArgs?: B | null | undefined;
}

type Slot = ((...args: unknown[]) => unknown) | undefined;

/** Marker in a callback slot: hand the current result to the Deferred kept in the args slot. */
const CONTINUE: Slot = () => undefined;

const STRIDE = 4;

let nextId = 1;
const ids = new WeakMap<object, number>();
function idOf(d: object): number {
  let id = ids.get(d);
  if (id === undefined) {
    id = nextId++;
    ids.set(d, id);
  }
  return id;
}

function chainCallback(result: unknown, other: Deferred<unknown>): undefined {
  other.callback(result);
  return undefined;
}

function chainErrback(failure: Failure, other: Deferred<unknown>): undefined {
  other.errback(failure);
  return undefined;
}

/** A result that will be available later (or already is), with a chain of callbacks to process it. */
export class Deferred<T = unknown> implements PromiseLike<T> {
  /** True once `callback()`/`errback()` has been called (or the Deferred was created fired). */
  called = false;
  /** @internal The current result: a value, a Failure, or the Deferred this one waits on. */
  _result: unknown = undefined;
  /** @internal Pause count (explicit pauses plus one while waiting on a chained Deferred). */
  _pauses = 0;
  /** @internal Groups of STRIDE slots: callback, errback, callback args, errback args. */
  _chain: unknown[] | null = null;
  /** @internal Index of the next unrun group in `_chain`. */
  _next = 0;
  /** @internal True while one of this Deferred's callbacks is running. */
  _running = false;
  /** @internal Swallow one late callback()/errback() after a canceller-less cancel(). */
  _suppressAlreadyCalled = false;
  /** @internal Typed loosely so that `Deferred<T>` stays assignable to `Deferred<unknown>`. */
  _canceller: ((deferred: never) => void) | null;
  /** @internal The Deferred this one is waiting on (for `toString`); cleared when it resumes. */
  _chainedTo: Deferred<unknown> | null = null;
  /** @internal Held while the result is an unhandled Failure (see unhandled.ts). */
  _failToken: FailureToken | null = null;
  /** @internal A Failure already delivered to an awaiter (`then`/`asPromise`): not reported as unhandled. */
  _awaited: Failure | null = null;
  /** @internal Creation/invocation stacks in debug mode. */
  _debugInfo: DebugInfo | null = null;

  constructor(canceller?: Canceller<T>) {
    this._canceller = canceller ?? null;
    if (getDebugging()) this._debugInfo = { creator: captureStack(1), invoker: undefined };
  }

  /** True while paused (by `pause()` or while waiting on a Deferred returned by a callback). */
  get paused(): boolean {
    return this._pauses > 0;
  }

  /**
   * The current result: a value, a {@link Failure}, the Deferred this one is waiting on, or
   * `undefined` before it fires. After a chained Deferred hands its result on, its own is `undefined`.
   */
  get result(): unknown {
    return this._result;
  }

  /** Fire the chain with a result. Throws {@link AlreadyCalledError} if already fired. */
  callback(result: T): void {
    this._start(result);
  }

  /** Fire the errback chain. A non-Failure reason is wrapped in a {@link Failure}. */
  errback(reason?: unknown): void {
    this._start(Failure.from(reason));
  }

  /** Add a callback (the errback side passes failures through). Returns this Deferred. */
  addCallback<A extends unknown[] = []>(fn: (result: T, ...args: A) => Failure, ...args: A): Deferred<never>;
  addCallback<U, A extends unknown[] = []>(fn: (result: T, ...args: A) => Chainable<U>, ...args: A): Deferred<U>;
  addCallback<U, A extends unknown[] = []>(fn: (result: T, ...args: A) => Chainable<U>, ...args: A): Deferred<U> {
    return this._push<U>(fn as Slot, undefined, args.length === 0 ? undefined : args, undefined);
  }

  /** Add an errback (the callback side passes results through). Returns this Deferred. */
  addErrback<A extends unknown[] = []>(fn: (failure: Failure, ...args: A) => Failure, ...args: A): Deferred<T>;
  addErrback<U = never, A extends unknown[] = []>(fn: (failure: Failure, ...args: A) => Chainable<U>, ...args: A): Deferred<T | U>;
  addErrback<U = never, A extends unknown[] = []>(fn: (failure: Failure, ...args: A) => Chainable<U>, ...args: A): Deferred<T | U> {
    return this._push<T | U>(undefined, fn as Slot, undefined, args.length === 0 ? undefined : args);
  }

  /** Add the same function as both callback and errback. Returns this Deferred. */
  addBoth<A extends unknown[] = []>(fn: (result: T | Failure, ...args: A) => Failure, ...args: A): Deferred<never>;
  addBoth<U, A extends unknown[] = []>(fn: (result: T | Failure, ...args: A) => Chainable<U>, ...args: A): Deferred<U>;
  addBoth<U, A extends unknown[] = []>(fn: (result: T | Failure, ...args: A) => Chainable<U>, ...args: A): Deferred<U> {
    const extra = args.length === 0 ? undefined : args;
    return this._push<U>(fn as Slot, fn as Slot, extra, extra);
  }

  /** Add a callback and an errback as one step; either may be `null` (pass-through). Returns this Deferred. */
  addCallbacks<U = T, V = never, A extends unknown[] = [], B extends unknown[] = []>(
    onResult: ((result: T, ...args: A) => Chainable<U>) | null | undefined,
    onFailure?: ((failure: Failure, ...args: B) => Chainable<V>) | null,
    options?: AddCallbacksOptions<A, B>,
  ): Deferred<U | V> {
    const cbArgs = options?.callbackArgs;
    const ebArgs = options?.errbackArgs;
    return this._push<U | V>(
      (onResult ?? undefined) as Slot,
      (onFailure ?? undefined) as Slot,
      cbArgs === null || cbArgs === undefined || cbArgs.length === 0 ? undefined : cbArgs,
      ebArgs === null || ebArgs === undefined || ebArgs.length === 0 ? undefined : ebArgs,
    );
  }

  /**
   * Fire `other` with this Deferred's result (callback or errback). This Deferred's result
   * becomes `undefined` afterwards. Returns this Deferred.
   */
  chainDeferred(other: Deferred<T>): Deferred<undefined> {
    other._chainedTo = this as Deferred<unknown>;
    return this.addCallbacks(chainCallback, chainErrback, { callbackArgs: [other as Deferred<unknown>], errbackArgs: [other as Deferred<unknown>] });
  }

  /** Stop running callbacks until a matching `unpause()`. */
  pause(): void {
    this._pauses++;
  }

  /** Undo one `pause()`; when none remain and a result is present, run the pending callbacks. */
  unpause(): void {
    if (this._pauses === 0) return;
    this._pauses--;
    if (this._pauses === 0 && this.called) this._runCallbacks();
  }

  /**
   * Cancel: an unfired Deferred calls its canceller, and errbacks with {@link CancelledError} if
   * the canceller did not fire it. Without a canceller, one later `callback()`/`errback()` (from
   * whoever was going to fire it) is swallowed. A Deferred waiting on another cancels that one
   * instead. Otherwise a no-op.
   */
  cancel(): void {
    if (!this.called) {
      const canceller = this._canceller;
      if (canceller !== null) canceller(this as never);
      else this._suppressAlreadyCalled = true;
      if (!this.called) this.errback(new Failure(new CancelledError()));
    } else if (this._result instanceof Deferred) {
      this._result.cancel();
    }
  }

  /**
   * Cancel this Deferred if it has not fired within `seconds` on `clock`; the resulting
   * {@link CancelledError} becomes a {@link TimeoutError} (or whatever `onTimeoutCancel` returns).
   * Returns this Deferred.
   */
  addTimeout<U = T>(seconds: number, clock: ReactorTime, onTimeoutCancel?: OnTimeoutCancel<T, U>): Deferred<T | U> {
    let timedOut = false;
    const call = clock.callLater(seconds, () => {
      timedOut = true;
      this.cancel();
    });
    const convert = onTimeoutCancel ?? cancelledToTimedOut;
    return this
      .addBoth((result: T | Failure) => (timedOut ? convert(result, seconds) : result))
      .addBoth((result: T | U | Failure) => {
        if (call.active()) call.cancel();
        return result;
      });
  }

  /**
   * Thenable: `await d` gives the result at this point of the chain, or throws the failure's
   * `value`. The chain's result passes through unchanged, but a failure delivered this way is no
   * longer reported as unhandled. Settles asynchronously, as every Promise does.
   */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.asPromise().then(onfulfilled, onrejected);
  }

  /** A Promise of this Deferred's result (or rejected with the failure's `value`); see {@link then}. */
  asPromise(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.addCallbacks(
        (result: T) => {
          resolve(result);
          return result;
        },
        (failure: Failure) => {
          this._awaited = failure;
          reject(failure.value);
          return failure;
        },
      );
    });
  }

  /**
   * A Deferred fired with `p`'s outcome (a rejection reason that is not an Error is wrapped).
   * Promises cannot be cancelled: cancelling the Deferred errbacks it with CancelledError at once
   * and the Promise's later outcome is dropped.
   */
  static fromPromise<T>(p: PromiseLike<T>): Deferred<T> {
    const d = new Deferred<T>();
    p.then(
      (value) => {
        if (!d.called || d._suppressAlreadyCalled) d.callback(value);
      },
      (reason: unknown) => {
        if (!d.called || d._suppressAlreadyCalled) d.errback(reason);
      },
    );
    return d;
  }

  /** Twisted's repr: `<Deferred #n>`, `<Deferred #n current result: …>` or `<Deferred #n waiting on Deferred #m>`. */
  toString(): string {
    const name = this.constructor.name;
    const id = idOf(this);
    if (this._chainedTo !== null) return `<${name} #${id} waiting on Deferred #${idOf(this._chainedTo)}>`;
    if (!this.called) return `<${name} #${id}>`;
    return `<${name} #${id} current result: ${describe(this._result)}>`;
  }

  /** @internal Append one (callback, errback) group; run it at once if already fired. */
  _push<R>(cb: Slot, eb: Slot, cbArgs: unknown, ebArgs: unknown): Deferred<R> {
    let chain = this._chain;
    if (chain === null) chain = this._chain = [];
    chain.push(cb, eb, cbArgs, ebArgs);
    if (this.called) this._runCallbacks();
    return this as unknown as Deferred<R>;
  }

  /** @internal */
  _start(result: unknown): void {
    if (this.called) {
      if (this._suppressAlreadyCalled) {
        this._suppressAlreadyCalled = false;
        return;
      }
      if (getDebugging()) {
        throw new AlreadyCalledError(`Deferred has already been called.\n${formatDebugInfo(this._debugInfo ?? { creator: undefined, invoker: undefined })}`);
      }
      throw new AlreadyCalledError();
    }
    if (getDebugging()) (this._debugInfo ??= { creator: undefined, invoker: undefined }).invoker = captureStack(2);
    this.called = true;
    this._canceller = null;
    this._result = result;
    this._runCallbacks();
  }

  /**
   * @internal Run as much of the chain as possible. Non-reentrant (a callback that adds callbacks
   * to its own Deferred sees them run after it returns), and iterative across chained Deferreds.
   */
  _runCallbacks(): void {
    if (this._running) return;
    // Deferreds whose chain is interrupted while a chainee (which waited on them) runs.
    let stack: Deferred<unknown>[] | null = null;
    let current = this as Deferred<unknown>;
    for (;;) {
      if (current._pauses > 0) {
        // It keeps its result until unpaused. Twisted returns here; going back to the Deferred
        // that handed it the result lets that one run the rest of its own chain now.
        if (stack === null || stack.length === 0) return;
        current = stack.pop() as Deferred<unknown>;
        continue;
      }
      current._chainedTo = null;
      let finished = true;
      const chain = current._chain;
      if (chain !== null) {
        while (current._next < chain.length) {
          const i = current._next;
          current._next = i + STRIDE;
          let result = current._result;
          const isFailure = result instanceof Failure;
          const fn = (isFailure ? chain[i + 1] : chain[i]) as Slot;
          if (fn === undefined) continue;
          const args = isFailure ? chain[i + 3] : chain[i + 2];
          if (fn === CONTINUE) {
            // Give the waiting Deferred our result and forget it ourselves (Twisted: it becomes None).
            const chainee = args as Deferred<unknown>;
            chainee._result = result;
            current._result = undefined;
            if (current._failToken !== null) {
              untrackFailure(current._failToken);
              current._failToken = null;
            }
            chainee._pauses--;
            (stack ??= []).push(current);
            current = chainee;
            finished = false;
            break;
          }
          current._running = true;
          try {
            result = args === undefined ? fn(result) : fn(result, ...(args as unknown[]));
          } catch (error) {
            result = Failure.from(error);
          }
          current._running = false;
          if (result instanceof Deferred) {
            if (result === current) {
              result = new Failure(new CircularChainError());
            } else if (!result.called || result._pauses > 0 || result._result instanceof Deferred) {
              // Not ready: wait for it. It is not running callbacks (it has no usable result),
              // so appending to its chain directly is safe.
              current._result = result;
              current._pauses++;
              current._chainedTo = result;
              let inner = result._chain;
              if (inner === null) inner = result._chain = [];
              inner.push(CONTINUE, CONTINUE, current, current);
              break;
            } else {
              // Ready: take its result; it keeps `undefined`.
              const taken: unknown = result._result;
              result._result = undefined;
              if (result._failToken !== null) {
                untrackFailure(result._failToken);
                result._failToken = null;
              }
              result = taken;
            }
          }
          current._result = result;
        }
      }
      if (finished) {
        if (chain !== null && current._next >= chain.length) {
          // Drop the spent array (cheaper than truncating it; most Deferreds get no more callbacks).
          current._chain = null;
          current._next = 0;
        }
        const result = current._result;
        if (result instanceof Failure && result !== current._awaited) {
          current._failToken = trackFailure(current._failToken, result, current._debugInfo);
        } else if (current._failToken !== null) {
          untrackFailure(current._failToken);
          current._failToken = null;
        }
        if (stack === null || stack.length === 0) return;
        current = stack.pop() as Deferred<unknown>;
      }
    }
  }
}

function describe(value: unknown): string {
  if (value instanceof Failure || value instanceof Deferred) return value.toString();
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** A Deferred already fired with `value` (same as `new Deferred(); d.callback(value)`). */
export function succeed<T>(value: T): Deferred<T> {
  const d = new Deferred<T>();
  d.called = true;
  d._result = value;
  return d;
}

/** A Deferred already failed with `reason` (wrapped in a Failure unless it is one). */
export function fail<T = never>(reason?: unknown): Deferred<T> {
  const d = new Deferred<T>();
  d.errback(reason);
  return d;
}
