/**
 * The guards every JS function handed to GLib/GObject goes through (PITFALLS 3, 5), exported for
 * the GStreamer layer: `guardCallback` turns a throw into a logged error instead of a dead loop;
 * `holdLoopAlive` keeps a ref'd libuv handle while cross-thread signal handlers may fire (node-gtk
 * marshals them through an unref'd uv_async, so without it the GStreamer thread blocks forever);
 * `connectSignal` does both for a GObject signal and returns the disconnect function.
 * Tests: test/reactor/glib-reactor.test.ts.
 */
import { getLogger } from '../../log';
import { refHandle } from './node-timer';

/** The structural shape of a GObject instance as far as signals go (keeps GI types out of the API). */
export interface SignalSource {
  connect(signal: string, handler: (...args: never[]) => unknown): number;
  disconnect(handlerId: number): void;
}

/**
 * Wraps `fn` so a throw is logged (with `context`) and `onError` is returned instead of the
 * exception reaching node-gtk, which would quit every GLib main loop.
 */
export function guardCallback<A extends unknown[], R>(fn: (...args: A) => R, context: string): (...args: A) => R | undefined;
export function guardCallback<A extends unknown[], R>(fn: (...args: A) => R, context: string, onError: R): (...args: A) => R;
export function guardCallback<A extends unknown[], R>(fn: (...args: A) => R, context: string, onError?: R): (...args: A) => R | undefined {
  return (...args: A): R | undefined => {
    try {
      return fn(...args);
    } catch (error) {
      try {
        getLogger().error('Exception in a GLib/GObject callback', { context, error });
      } catch {
        // never let logging throw into GLib
      }
      return onError;
    }
  };
}

let holds = 0;
let releaseHandle: (() => void) | undefined;

/**
 * Keeps the libuv loop alive (one ref'd handle shared by all holders). Returns the release function;
 * calling it more than once is harmless.
 */
export function holdLoopAlive(): () => void {
  holds++;
  releaseHandle ??= refHandle();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holds--;
    if (holds === 0) {
      releaseHandle?.();
      releaseHandle = undefined;
    }
  };
}

/** How many holders currently keep the loop alive (for tests). */
export function loopHoldCount(): number {
  return holds;
}

/**
 * Connects a guarded handler to a GObject signal and holds the loop alive while it is connected.
 * Returns the function that disconnects it (idempotent).
 */
export function connectSignal<A extends unknown[]>(source: SignalSource, signal: string,
  handler: (...args: A) => unknown): () => void {
  const guarded = guardCallback(handler, `signal ${signal}`);
  const id = source.connect(signal, guarded as (...args: never[]) => unknown);
  const release = holdLoopAlive();
  let connected = true;
  return () => {
    if (!connected) return;
    connected = false;
    try {
      source.disconnect(id);
    } finally {
      release();
    }
  };
}
