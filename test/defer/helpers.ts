/** Helpers shared by the Deferred tests. Not a test file itself. */
import type { Deferred } from '../../src/defer/deferred';
import type { Failure } from '../../src/defer/failure';

/** The failure a Deferred already holds (its errback chain consumes it); throws if it has none. */
export function failureOf(d: Deferred<unknown>): Failure {
  let got: Failure | undefined;
  d.addErrback((f: Failure) => {
    got = f;
    return undefined;
  });
  if (got === undefined) throw new Error('Deferred has no failure');
  return got;
}
