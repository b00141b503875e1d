/**
 * `Clock`: a deterministic `ReactorTime` for tests (Twisted's `task.Clock`). Time starts at 0 and
 * moves only when the test calls `advance()` or `pump()`; due calls run in time order, including
 * calls they schedule that are already due. An exception thrown by a call propagates out of
 * `advance()`. Tests: test/testing/clock.test.ts.
 */
import type { DelayedCall, ReactorTime } from '../defer/time';
import { DelayedCallQueue } from '../reactor/delayed-call-queue';

export class Clock implements ReactorTime {
  private now = 0;
  private readonly queue = new DelayedCallQueue({ now: () => this.now });

  /** The current virtual time in seconds. */
  seconds(): number {
    return this.now;
  }

  callLater<A extends unknown[]>(delaySeconds: number, fn: (...args: A) => unknown, ...args: A): DelayedCall {
    return this.queue.schedule(delaySeconds, fn, args);
  }

  /** The pending calls, sorted by time (then by scheduling order). */
  getDelayedCalls(): DelayedCall[] {
    return this.queue.pending().sort((a, b) => a.time - b.time || a.seq - b.seq);
  }

  /** Moves time forward by `seconds` (>= 0) and runs every call that became due. */
  advance(seconds: number): void {
    if (!(seconds >= 0)) throw new RangeError(`Clock.advance needs a non-negative number, got ${seconds}`);
    this.now += seconds;
    this.queue.runDue(this.now, true);
  }

  /** Advances by each amount in turn (Twisted's `Clock.pump`). */
  pump(timings: readonly number[]): void {
    for (const amount of timings) this.advance(amount);
  }
}
