/**
 * `race`: the first of several Deferreds to succeed wins, the others are cancelled.
 * Tests: test/defer/race.test.ts.
 */
import { Deferred } from './deferred';
import { FailureGroup } from './errors';
import type { Failure } from './failure';

/**
 * A Deferred of `[index, result]` of the first input to succeed; every other input is then
 * cancelled (their later results go nowhere). If every input fails it errbacks with a
 * {@link FailureGroup} of their failures in input order. Cancelling it cancels every input.
 */
export function race<T>(deferreds: Iterable<Deferred<T>>): Deferred<[number, T]> {
  const inputs = [...deferreds];
  let won = false;
  const failures: Array<Failure | undefined> = new Array<Failure | undefined>(inputs.length).fill(undefined);
  let failed = 0;
  const result = new Deferred<[number, T]>(() => {
    for (const d of inputs) d.cancel();
  });
  inputs.forEach((d, index) => {
    d.addCallbacks(
      (value: T): undefined => {
        if (won) return undefined;
        won = true;
        inputs.forEach((other, i) => {
          if (i !== index) other.cancel();
        });
        result.callback([index, value]);
        return undefined;
      },
      (failure: Failure): undefined => {
        failures[index] = failure;
        failed++;
        if (failed === inputs.length) result.errback(new FailureGroup(failures as Failure[]));
        return undefined;
      },
    );
  });
  return result;
}
