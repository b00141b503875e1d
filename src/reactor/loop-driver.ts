/**
 * The seam between the shared reactor core (`ReactorBase`) and a real event loop. Only the drivers
 * under `impl/` touch Node timers, the clock or GLib; the core stays testable and lint-clean.
 * Tests: test/conformance/ (through both drivers).
 */

/** What a loop implementation provides to the core. */
export interface LoopDriver {
  /** Monotonic time, in seconds. */
  now(): number;
  /**
   * Arms the single wake-up timer `delaySeconds` from now (replacing any armed one); `undefined`
   * disarms it. A delay <= 0 wakes up on the next loop turn. The callback was given at creation.
   */
  setTimer(delaySeconds: number | undefined): void;
  /** Starts the loop; calls `started` from inside the running loop (on a later turn). */
  start(started: () => void): void;
  /** Makes the loop return; calls `stopped` once it has (on a later turn). */
  stop(stopped: () => void): void;
}

/** Builds a driver whose timer calls `onTimer`. */
export type LoopDriverFactory = (onTimer: () => void) => LoopDriver;
