/**
 * Test helpers: a real-time ReactorTime over Node timers and a GLib main loop started the safe way
 * (`setImmediate(() => loop.run())`, PITFALLS 2 and 7), so bus watches and cross-thread signals
 * are dispatched inside the vitest fork; `within()` bounds every wait with a reactor-scheduled
 * timeout (no sleeps).
 */
import { Deferred } from '../../../src/defer/deferred';
import type { DelayedCall, ReactorTime } from '../../../src/defer/time';
import { loadGi } from '../../../src/reactor/gi';
import type { GstReactor } from '../../../src/gst/host';

class TimerCall implements DelayedCall {
  called = false;
  cancelled = false;
  private handle: NodeJS.Timeout;
  private at: number;
  constructor(private readonly time: ReactorTime, seconds: number, private readonly fn: () => void) {
    this.at = time.seconds() + seconds;
    this.handle = this.arm(seconds);
  }
  private arm(seconds: number): NodeJS.Timeout {
    return setTimeout(() => { this.called = true; live.delete(this); this.fn(); }, Math.max(0, seconds * 1000));
  }
  getTime(): number { return this.at; }
  cancel(): void { if (!this.active()) throw new Error('not active'); this.cancelled = true; clearTimeout(this.handle); live.delete(this); }
  delay(s: number): void { this.reset(this.at + s - this.time.seconds()); }
  reset(s: number): void { clearTimeout(this.handle); this.at = this.time.seconds() + s; this.handle = this.arm(s); }
  active(): boolean { return !this.called && !this.cancelled; }
}
const live = new Set<TimerCall>();

/** A ReactorTime on Node timers (monotonic seconds). */
export const realTime: GstReactor = {
  seconds: () => performance.now() / 1000,
  callLater<A extends unknown[]>(delay: number, fn: (...args: A) => unknown, ...args: A): DelayedCall {
    const call = new TimerCall(realTime, delay, () => { fn(...args); });
    live.add(call);
    return call;
  },
  getDelayedCalls: () => [...live],
};

let loop: { run(): void; quit(): void; isRunning(): boolean } | null = null;

/** Start the default-context GLib loop once for this test file; resolves when it is running. */
export function startLoop(): Promise<void> {
  if (loop !== null) return Promise.resolve();
  const { GLib } = loadGi();
  const l = GLib.MainLoop.new(null, false);
  loop = l;
  return new Promise((resolve) => {
    GLib.idleAdd(GLib.PRIORITY_DEFAULT, () => { resolve(); return GLib.SOURCE_REMOVE; });
    setImmediate(() => l.run());
  });
}

/** Quit the loop started by {@link startLoop}. */
export function stopLoop(): void {
  loop?.quit();
  loop = null;
}

/** Wait for `p` at most `seconds` (a reactor-scheduled timeout; rejects with TimeoutError). */
export function within<T>(p: PromiseLike<T>, seconds: number, what = 'operation'): Promise<T> {
  const d = p instanceof Deferred ? (p as Deferred<T>) : Deferred.fromPromise(p);
  return d.addTimeout(seconds, realTime).asPromise().catch((e: unknown) => {
    if (e instanceof Error && e.name === 'TimeoutError') e.message = `${what}: ${e.message}`;
    throw e;
  });
}
