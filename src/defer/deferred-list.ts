/**
 * `DeferredList` and `gatherResults`: wait for several Deferreds. Tests: test/defer/deferred-list.test.ts.
 */
import { getLogger } from '../log';
import { Deferred } from './deferred';
import { FirstError } from './errors';
import { Failure } from './failure';

/** Options of {@link DeferredList}. */
export interface DeferredListOptions {
  /** Fire with `[result, index]` as soon as one input succeeds (an empty list then never fires). */
  readonly fireOnOneCallback?: boolean;
  /** Errback with `FirstError(failure, index)` as soon as one input fails. */
  readonly fireOnOneErrback?: boolean;
  /** Turn each input's failure into `undefined` on that input (so it is not reported as unhandled). */
  readonly consumeErrors?: boolean;
}

/** One entry of a DeferredList's result: `[true, value]` or `[false, failure]`. */
export type DeferredListEntry<T> = [boolean, T | Failure];

function onInputResult<T>(result: T | Failure, list: DeferredList<T>, index: number, succeeded: boolean): T | Failure | undefined {
  list.resultList[index] = [succeeded, result];
  list.finishedCount++;
  if (!list.called) {
    if (succeeded && list.fireOnOneCallback) {
      // Twisted's documented exception to the element type: `[result, index]`.
      list.callback([result, index] as unknown as DeferredListEntry<T>[]);
    } else if (!succeeded && list.fireOnOneErrback) {
      list.errback(new FirstError(result as Failure, index));
    } else if (list.finishedCount === list.resultList.length) {
      list.callback(list.resultList as DeferredListEntry<T>[]);
    }
  }
  return !succeeded && list.consumeErrors ? undefined : result;
}

/**
 * A Deferred of `[[success, resultOrFailure], …]` in input order, fired once every input has
 * fired (an empty list fires at once with `[]`). With `fireOnOneCallback` it fires instead with
 * `[result, index]` of the first success; with `fireOnOneErrback` it errbacks with
 * `FirstError(failure, index)` on the first failure. Inputs that already fired are handled during
 * construction. Cancelling an unfired list cancels every input.
 */
export class DeferredList<T = unknown> extends Deferred<DeferredListEntry<T>[]> {
  /** Entries as the inputs fire (`undefined` until then). */
  readonly resultList: Array<DeferredListEntry<T> | undefined>;
  /** How many inputs have fired. */
  finishedCount = 0;
  readonly fireOnOneCallback: boolean;
  readonly fireOnOneErrback: boolean;
  readonly consumeErrors: boolean;
  private readonly inputs: Deferred<T>[];

  constructor(deferreds: Iterable<Deferred<T>>, options: DeferredListOptions = {}) {
    super();
    this.inputs = [...deferreds];
    this.resultList = new Array<DeferredListEntry<T> | undefined>(this.inputs.length).fill(undefined);
    this.fireOnOneCallback = options.fireOnOneCallback ?? false;
    this.fireOnOneErrback = options.fireOnOneErrback ?? false;
    this.consumeErrors = options.consumeErrors ?? false;
    if (this.inputs.length === 0 && !this.fireOnOneCallback) this.callback([]);
    for (let index = 0; index < this.inputs.length; index++) {
      (this.inputs[index] as Deferred<T>).addCallbacks(onInputResult, onInputResult, {
        callbackArgs: [this, index, true],
        errbackArgs: [this, index, false],
      });
    }
  }

  /** Cancel every input (an error thrown by one input's canceller is logged, and the rest still run). */
  override cancel(): void {
    if (this.called) return;
    for (const d of this.inputs) {
      try {
        d.cancel();
      } catch (error) {
        getLogger().error('Exception raised from user supplied canceller', { failure: Failure.from(error) });
      }
    }
  }
}

/** Options of {@link gatherResults}. */
export interface GatherResultsOptions {
  /** Turn each input's failure into `undefined` on that input. */
  readonly consumeErrors?: boolean;
}

/**
 * A Deferred of the inputs' results, in order, or a failure of `FirstError(failure, index)` at
 * the first input failure. Cancelling it cancels every input.
 */
export function gatherResults<T>(deferreds: Iterable<Deferred<T>>, options: GatherResultsOptions = {}): Deferred<T[]> {
  return new DeferredList<T>(deferreds, { fireOnOneErrback: true, consumeErrors: options.consumeErrors ?? false })
    .addCallback((entries) => entries.map((entry) => entry[1] as T));
}
