/**
 * `GLibReactor`: the reactor on a GLib main loop with Node nested inside (node-gtk), so GStreamer
 * bus messages and GObject signals dispatch on the same thread as Node's sockets and timers.
 * Creating one does not load node-gtk; `run()` does. The pitfalls it handles are listed in
 * `impl/glib-driver.ts`; the GLib glue (`guardCallback`, `holdLoopAlive`, `connectSignal`) is
 * available as methods too. Tests: test/reactor/glib-reactor.test.ts and test/conformance/.
 */
import { PosixReactor } from '../posix-reactor';
import { createGLibDriver } from './glib-driver';
import { connectSignal, guardCallback, holdLoopAlive, type SignalSource } from './glib-glue';

export class GLibReactor extends PosixReactor {
  constructor() {
    super(createGLibDriver);
  }

  /** Connects a guarded handler to a GObject signal (see `connectSignal`); returns the disconnect function. */
  connectSignal<A extends unknown[]>(source: SignalSource, signal: string, handler: (...args: A) => unknown): () => void {
    return connectSignal(source, signal, handler);
  }

  /** Wraps a callback for GLib (see `guardCallback`). */
  guardCallback<A extends unknown[], R>(fn: (...args: A) => R, context: string): (...args: A) => R | undefined {
    return guardCallback(fn, context);
  }

  /** Keeps libuv alive while cross-thread signals may arrive (see `holdLoopAlive`). */
  holdLoopAlive(): () => void {
    return holdLoopAlive();
  }

  /** The `GstReactor` seam of torsion/gst: same as {@link guardCallback}. */
  wrapCallback<A extends unknown[]>(fn: (...args: A) => void, what = 'GStreamer callback'): (...args: A) => void {
    return guardCallback(fn, what);
  }

  /** The `GstReactor` seam of torsion/gst: same as {@link holdLoopAlive}. */
  holdLoop(): () => void {
    return holdLoopAlive();
  }
}
