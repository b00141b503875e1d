/**
 * Lazy access to node-gtk and the GLib/GObject/Gio namespaces. Nothing loads the native module until
 * a GLib reactor or a GStreamer object first asks for it, so `torsion`, `torsion/defer`,
 * `torsion/gdp` and `torsion/testing` work on machines without GStreamer. Internal: the generated
 * GI types never appear in the public `.d.ts` (PITFALLS 20). Tests: test/reactor/gi.test.ts.
 */
import { createRequire } from 'node:module';
import type NodeGtk from 'node-gtk';
import { getLogger } from '../log';

type Gi = typeof NodeGtk;

/** The node-gtk module and the core namespaces, typed by the generated typings. */
export interface GiCore {
  readonly gi: Gi;
  readonly GLib: ReturnType<typeof loadGLib>;
  readonly GObject: ReturnType<typeof loadGObject>;
  readonly Gio: ReturnType<typeof loadGio>;
}

let core: GiCore | undefined;

function nodeRequire(): NodeJS.Require {
  // ES modules make a require from their URL. Checked first: an ES bundle (esbuild/tsup) also has a
  // `require`, a shim that throws. CommonJS builds see an empty import.meta and use their own.
  const url = (import.meta as { url?: string }).url;
  return typeof url === 'string' ? createRequire(url) : require;
}

function loadGLib(gi: Gi) { return gi.require('GLib', '2.0'); }
function loadGObject(gi: Gi) { return gi.require('GObject', '2.0'); }
function loadGio(gi: Gi) { return gi.require('Gio', '2.0'); }

/** Loads node-gtk (once) and returns it with GLib, GObject and Gio. */
export function loadGi(): GiCore {
  if (core === undefined) {
    const gi = nodeRequire()('node-gtk') as Gi;
    core = { gi, GLib: loadGLib(gi), GObject: loadGObject(gi), Gio: loadGio(gi) };
  }
  return core;
}

/**
 * Starts node-gtk's loop integration (idempotent) without letting it keep the timer globals it
 * swaps in: its wrappers call `process.exit(1)` when a callback throws (PITFALLS 3), so the
 * originals are put back.
 */
export function startLoopIntegration(): void {
  if (integrationStarted) return;
  loadGi();
  const saved = {
    setTimeout: globalThis.setTimeout, setInterval: globalThis.setInterval,
    setImmediate: globalThis.setImmediate, nextTick: process.nextTick,
  };
  guardTickCallback();
  (nodeRequire()('node-gtk/lib/loop.js') as { start(): void }).start();
  globalThis.setTimeout = saved.setTimeout;
  globalThis.setInterval = saved.setInterval;
  globalThis.setImmediate = saved.setImmediate;
  process.nextTick = saved.nextTick;
  integrationStarted = true;
}

let integrationStarted = false;

/**
 * node-gtk drains `process.nextTick` callbacks and microtasks by calling `process._tickCallback()`
 * from the GSource's prepare step, outside any Node callback scope; an exception escaping there is
 * left pending in V8 and the next Node callback dies with "FATAL ERROR: v8::ToLocalChecked Empty
 * MaybeLocal". Wrap it: such an exception goes to 'uncaughtException' listeners, or is logged.
 */
function guardTickCallback(): void {
  const proc = process as unknown as { _tickCallback?: (...args: unknown[]) => unknown };
  const original = proc._tickCallback;
  if (typeof original !== 'function') return;
  proc._tickCallback = function guardedTickCallback(this: unknown, ...args: unknown[]): unknown {
    try {
      return original.apply(this, args);
    } catch (error) {
      reportEscaped(error);
      return undefined;
    }
  };
}

function reportEscaped(error: unknown): void {
  if (process.listenerCount('uncaughtException') > 0) {
    process.emit('uncaughtException', error as Error);
  } else {
    getLogger().error('An exception escaped a nextTick/microtask inside the GLib loop', { error });
  }
}

/** True once node-gtk has been loaded by this process (through {@link loadGi}). */
export function isGiLoaded(): boolean {
  return core !== undefined;
}
