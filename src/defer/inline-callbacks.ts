/**
 * `inlineCallbacks` / `fromCoroutine`: drive a generator that yields Deferreds, as Twisted does.
 * `const x = yield d` gives d's result or throws its failure's value into the generator; a
 * yielded non-Deferred comes straight back (a yielded Promise or generator is waited on); `return v`
 * fires the Deferred with `v`; an uncaught error errbacks it. Results already available are
 * consumed in a loop, so many synchronous yields do not grow the stack.
 *
 * Cancelling the returned Deferred cancels the Deferred the generator is waiting on, so the
 * generator sees a CancelledError at its `yield`: it may let it propagate, translate it into
 * another error or a value, or catch it and go on (then the returned Deferred stays unfired and
 * a second `cancel()` cancels what it waits on next). Async functions are JavaScript's own
 * coroutines; wrap their Promise with `ensureDeferred`, but note a Promise cannot be cancelled.
 * Tests: test/defer/inline-callbacks.test.ts.
 */
import { Deferred } from './deferred';
import { NotACoroutineError } from './errors';
import { Failure } from './failure';
import { isGenerator, isThenable } from './guards';

/** A generator driven by {@link fromCoroutine}: yields anything, is sent results back. */
export type DeferredGenerator<R> = Generator<unknown, R, unknown>;

interface Status<R> {
  deferred: Deferred<R>;
  waitingOn: Deferred<unknown> | null;
}

/** Internal marker used to break into the chain on cancel; always trapped, never seen by users. */
class InlineCallbacksCancelled extends Error {}

/** Run a generator as inlineCallbacks; returns the Deferred of its return value. */
export function fromCoroutine<R>(gen: DeferredGenerator<R>): Deferred<R> {
  if (!isGenerator(gen)) throw new NotACoroutineError(`${String(gen)} is not a generator`);
  const status: Status<R> = { deferred: new Deferred<R>((d) => cancelInline(d, status)), waitingOn: null };
  const first = status.deferred;
  step(undefined, gen, status);
  return first;
}

/**
 * Wrap a generator function: calling the result runs the generator with {@link fromCoroutine}.
 * A function that does not return a generator makes the call throw {@link NotACoroutineError}.
 */
export function inlineCallbacks<A extends unknown[], R>(f: (...args: A) => DeferredGenerator<R>): (...args: A) => Deferred<R> {
  return (...args: A): Deferred<R> => {
    const gen: unknown = f(...args);
    if (!isGenerator(gen)) {
      throw new NotACoroutineError(`inlineCallbacks requires ${f.name || 'the function'} to produce a generator; instead got ${String(gen)}`);
    }
    return fromCoroutine(gen as DeferredGenerator<R>);
  };
}

function step<R>(sent: unknown, gen: DeferredGenerator<R>, status: Status<R>): void {
  let result = sent;
  for (;;) {
    let next: IteratorResult<unknown, R>;
    try {
      next = result instanceof Failure ? gen.throw(result.value) : gen.next(result);
    } catch (error) {
      status.deferred.errback(error);
      return;
    }
    if (next.done === true) {
      status.deferred.callback(next.value);
      return;
    }
    let yielded = next.value;
    if (!(yielded instanceof Deferred)) {
      if (isGenerator(yielded)) yielded = fromCoroutine(yielded);
      else if (isThenable(yielded)) yielded = Deferred.fromPromise(yielded);
      else {
        result = yielded;
        continue;
      }
    }
    const d = yielded as Deferred<unknown>;
    let waiting = true;
    let early: unknown = undefined;
    d.addBoth((r: unknown) => {
      if (waiting) {
        waiting = false;
        early = r;
      } else {
        step(r, gen, status);
      }
      return undefined;
    });
    if (waiting) {
      waiting = false;
      status.waitingOn = d;
      return;
    }
    result = early;
  }
}

/** Canceller of an inlineCallbacks Deferred: re-route it through a fresh Deferred, then cancel what the generator awaits. */
function cancelInline<R>(d: Deferred<R>, status: Status<R>): void {
  const rest = d._chain === null ? [] : d._chain.slice(d._next);
  d._chain = [undefined, handleCancel, undefined, [status], ...rest];
  d._next = 0;
  d.errback(new InlineCallbacksCancelled());
}

function handleCancel<R>(failure: Failure, status: Status<R>): Deferred<R> {
  failure.trap(InlineCallbacksCancelled);
  status.deferred = new Deferred<R>((d) => cancelInline(d, status));
  const awaited = status.waitingOn;
  if (awaited !== null) awaited.cancel();
  return status.deferred;
}
