/**
 * The time seam (STYLE.md rule 3). `ReactorTime` and `DelayedCall` are declared here, in the lowest
 * layer, because `Deferred.addTimeout` needs them; the reactor re-exports them. Everything that waits
 * takes a `ReactorTime`, so every timeout is testable with `Clock.advance` (torsion/testing).
 */

/** A call scheduled with {@link ReactorTime.callLater} (Twisted's `IDelayedCall`). */
export interface DelayedCall {
  /** The absolute time, in reactor seconds, at which the call will run. */
  getTime(): number;
  /** Cancel the call. Throws `AlreadyCancelled` / `AlreadyCalled` if it is no longer pending. */
  cancel(): void;
  /** Push the call back by `seconds` (relative to its current time). */
  delay(seconds: number): void;
  /** Reschedule the call to run `seconds` from now. */
  reset(seconds: number): void;
  /** True while the call is neither called nor cancelled. */
  active(): boolean;
  /** True once the call has run. */
  readonly called: boolean;
  /** True once the call has been cancelled. */
  readonly cancelled: boolean;
}

/** Twisted's `IReactorTime`: the only way code under src/ reads the clock or waits. */
export interface ReactorTime {
  /** The current time in seconds (monotonic for real reactors). */
  seconds(): number;
  /** Run `fn(...args)` after `delaySeconds` (>= 0). */
  callLater<A extends unknown[]>(delaySeconds: number, fn: (...args: A) => unknown, ...args: A): DelayedCall;
  /** The calls still pending, in no particular order. */
  getDelayedCalls(): DelayedCall[];
}
