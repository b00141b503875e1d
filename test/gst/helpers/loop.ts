/**
 * Test helpers: one running `GLibReactor` per test file (it starts the GLib loop the safe way,
 * PITFALLS 2 and 7, and provides the callback guard and keepalive of the `GstReactor` seam), and
 * `within()`, which bounds every wait with a reactor-scheduled timeout (no sleeps).
 */
import { Deferred } from '../../../src/defer/deferred';
import { GLibReactor } from '../../../src/reactor/impl/glib-reactor';

/** The reactor every GStreamer test runs on. */
export const realTime = new GLibReactor();

let stopped: Deferred<void> | null = null;

/** Run the reactor for this test file; resolves once it is running. */
export function startLoop(): Promise<void> {
  if (stopped !== null) return Promise.resolve();
  const running = new Deferred<void>();
  realTime.callWhenRunning(() => running.callback(undefined));
  stopped = realTime.run({ installSignalHandlers: false });
  return running.asPromise();
}

/** Stop the reactor started by {@link startLoop}. */
export async function stopLoop(): Promise<void> {
  if (stopped === null) return;
  const done = stopped;
  stopped = null;
  if (realTime.running) realTime.stop();
  await done;
}

/** Wait for `p` at most `seconds` (a reactor-scheduled timeout; rejects with TimeoutError). */
export function within<T>(p: PromiseLike<T>, seconds: number, what = 'operation'): Promise<T> {
  const d = p instanceof Deferred ? (p as Deferred<T>) : Deferred.fromPromise(p);
  return d.addTimeout(seconds, realTime).asPromise().catch((e: unknown) => {
    if (e instanceof Error && e.name === 'TimeoutError') e.message = `${what}: ${e.message}`;
    throw e;
  });
}
