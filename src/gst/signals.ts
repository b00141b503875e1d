/**
 * `connectSignal`: connect a JS handler to a GObject signal so that disconnecting really lets go
 * of it. node-gtk keeps every handler in an array on the object's wrapper and never empties a
 * slot on `disconnect()`. An element or bus owned by a pipeline has a strong wrapper for as long
 * as the pipeline lives, so a handler that reaches the pipeline (through `this`, a sink, a
 * component) kept the pipeline alive forever: no Pipeline was ever finalised, and each kept its
 * bus's 2 fds (found with a heap snapshot: GstBus → signal handlers → closure → Pipeline).
 * Here node-gtk holds only a small trampoline whose target is dropped on disconnect.
 * Internal. Tests: test/gst/pipeline-finalize.test.ts.
 */

/** A GObject as node-gtk wraps it (its generated `connect` overloads vary per class; see {@link Connectable}). */
export interface SignalSource {
  disconnect(handlerId: number): void;
}

/** node-gtk's `connect`, untyped: the handler's arguments are the caller's to state. */
interface Connectable {
  connect(signal: string, handler: (...args: unknown[]) => void): number;
}

/** Connect `handler` to `signal` of `source`; the returned function disconnects it (idempotent). */
export function connectSignal<A extends unknown[]>(source: SignalSource, signal: string, handler: (...args: A) => void): () => void {
  const slot: { handler: ((...args: A) => void) | null } = { handler };
  const id = (source as unknown as Connectable).connect(signal, trampoline(slot) as unknown as (...args: unknown[]) => void);
  return () => {
    if (slot.handler === null) return;
    slot.handler = null;
    source.disconnect(id);
  };
}

// Built outside connectSignal's scope, so the closure node-gtk keeps sees the slot and nothing else.
function trampoline<A extends unknown[]>(slot: { handler: ((...args: A) => void) | null }): (...args: A) => void {
  return (...args: A): void => {
    const h = slot.handler;
    if (h !== null) h(...args);
  };
}
