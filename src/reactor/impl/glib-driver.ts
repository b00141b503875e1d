/**
 * The loop driver of `GLibReactor`: a GLib main loop with Node nested inside it (node-gtk's
 * integration, PITFALLS 1). The loop is entered with `setImmediate(() => loop.run())`, the only way
 * that works from ES modules, CommonJS, timers and microtasks alike (PITFALLS 2); the timer globals
 * node-gtk swaps in are restored (PITFALLS 3); `loop.run()` is supervised, so a throw that escapes a
 * GLib callback is logged and the loop resumes; a ref'd handle keeps libuv alive while it runs
 * (PITFALLS 5); and a canary checks that Node timers still fire. Delayed calls use the same single
 * Node timer as NodeReactor. Tests: test/reactor/glib-reactor.test.ts and test/conformance/.
 */
import { getLogger } from '../../log';
import { loadGi, startLoopIntegration } from '../gi';
import type { LoopDriver } from '../loop-driver';
import { guardCallback, holdLoopAlive } from './glib-glue';
import { monotonicSeconds, NodeTimer } from './node-timer';

/** How long the canary Node timer may take before the loop is declared frozen (ms). */
const CANARY_NODE_MS = 20;
const CANARY_GLIB_MS = 500;
/**
 * How often `loop.run()` returns and is entered again (ms). node-gtk's GLib source for libuv calls
 * into JS in its `prepare` (process._tickCallback, microtasks) without a V8 HandleScope of its own,
 * so every loop iteration leaves a few handles in the scope of the `loop.run()` call, which only
 * closes when that call returns: about 30–70 bytes of native memory per connection served, for as
 * long as the loop runs (measured by bench/soak and a TCP churn under both reactors). Returning
 * from `loop.run()` now and then releases them.
 */
export const LOOP_RECYCLE_MS = 1000;

let entries = 0;

/** How many times a GLib reactor entered `loop.run()` in this process (tests see the recycling). */
export function glibLoopEntries(): number {
  return entries;
}

export function createGLibDriver(onTimer: () => void): LoopDriver {
  const timer = new NodeTimer(onTimer);
  let requestStop: ((stopped: () => void) => void) | undefined;
  return {
    now: monotonicSeconds,
    setTimer: (delay) => timer.set(delay),
    start(started) {
      const { GLib } = loadGi();
      startLoopIntegration();
      const loop = GLib.MainLoop.new(null, false);
      const release = holdLoopAlive();
      let quitRequested = false;
      let recycling = false;
      let onStopped: (() => void) | undefined;
      requestStop = (stopped) => {
        onStopped = stopped;
        quitRequested = true;
        loop.quit();
      };
      // Return from loop.run() every LOOP_RECYCLE_MS (its V8 handles are released), then enter again.
      const recycle = GLib.timeoutAdd(GLib.PRIORITY_DEFAULT, LOOP_RECYCLE_MS, guardCallback(() => {
        recycling = true;
        loop.quit();
        return true;
      }, 'loop recycle', true));
      enterWhenAlone(() => {
        let removeCanary: (() => void) | undefined;
        if (!quitRequested) {
          // Queued from inside this immediate, so the nested libuv turn runs it once the loop is up.
          setImmediate(started);
          removeCanary = startCanary();
        }
        while (!quitRequested) {
          try {
            entries += 1;
            loop.run();
          } catch (error) {
            getLogger().error('An exception escaped the GLib main loop; resuming it', { error });
            continue;
          }
          if (!quitRequested && !recycling) getLogger().warn('The GLib main loop was quit from outside the reactor; resuming it', {});
          recycling = false;
        }
        GLib.sourceRemove(recycle);
        removeCanary?.();
        release();
        onStopped?.();
      });
    },
    stop(stopped) {
      timer.clear();
      const request = requestStop;
      requestStop = undefined;
      if (request !== undefined) request(stopped);
      else setImmediate(stopped);
    },
  };
}

/** How many loop turns `enterWhenAlone` waits for a batch of its own before settling for "first". */
const MAX_WAIT_TURNS = 100;

/**
 * Runs `enter` from an immediate that is alone in its batch. Node's `processImmediate` is not
 * re-entrant: while `loop.run()` blocks inside an immediate, the nested libuv turns call it again,
 * and if our immediate was not the first of its batch it dereferences the previous (finished) one
 * and throws — "FATAL ERROR: v8::ToLocalChecked Empty MaybeLocal" (measured in the vitest fork);
 * immediates queued after ours in the same batch are starved until the loop returns. An Immediate's
 * `_idlePrev`/`_idleNext` links show its neighbours in the batch, so we re-queue until it is alone
 * (or, after `MAX_WAIT_TURNS`, at least first). If those internals ever disappear we just enter.
 */
function enterWhenAlone(enter: () => void, turn = 0): void {
  const immediate = setImmediate(() => {
    const links = immediate as unknown as { _idlePrev?: unknown; _idleNext?: unknown };
    if (!('_idlePrev' in links)) {
      enter();
      return;
    }
    const first = links._idlePrev === null || links._idlePrev === undefined;
    const alone = first && (links._idleNext === null || links._idleNext === undefined);
    if (alone || (first && turn >= MAX_WAIT_TURNS)) {
      if (!alone) getLogger().warn('Entering the GLib loop with other immediates queued behind it; they wait until it stops', {});
      enter();
      return;
    }
    enterWhenAlone(enter, turn + 1);
  });
}

/**
 * Checks that a Node timer fires while the GLib loop runs (PITFALLS 2). Returns the function that
 * removes the check.
 */
function startCanary(): () => void {
  const { GLib } = loadGi();
  let fired = false;
  const nodeTimer = setTimeout(() => {
    fired = true;
  }, CANARY_NODE_MS);
  nodeTimer.unref();
  let sourceId: number | undefined = GLib.timeoutAdd(GLib.PRIORITY_DEFAULT, CANARY_GLIB_MS, guardCallback(() => {
    sourceId = undefined;
    if (!fired) {
      getLogger().error('Node timers are frozen inside the GLib loop: was run() entered from a timer or a microtask?', {});
    }
    return false;
  }, 'timer canary', false));
  return () => {
    clearTimeout(nodeTimer);
    if (sourceId !== undefined) GLib.sourceRemove(sourceId);
    sourceId = undefined;
  };
}
