/**
 * `reactorScheduler(time)`: an RxJS 7 `SchedulerLike` on any `ReactorTime`, so `timer`, `interval`,
 * `debounceTime`, `timeout`, … run on the reactor's clock — and on `Clock` in tests, with
 * `clock.advance()` as virtual time. `now()` is `time.seconds()` in milliseconds; each scheduled
 * action is one `callLater` (delays in ms, as RxJS gives them); unsubscribing cancels it.
 * Built on RxJS's public API only. Tests: test/reactor/scheduler.test.ts.
 */
import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';
import type { DelayedCall, ReactorTime } from '../defer/time';

class ReactorAction<T> extends Subscription implements SchedulerAction<T> {
  private call: DelayedCall | null = null;

  constructor(private readonly time: ReactorTime,
    private readonly work: (this: SchedulerAction<T>, state?: T) => void) {
    super(() => this.cancelPending());
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.cancelPending();
    this.call = this.time.callLater(Math.max(0, delay) / 1000, () => {
      this.call = null;
      if (this.closed) return;
      try {
        this.work.call(this, state);
      } catch (error) {
        this.unsubscribe();
        throw error;
      }
    });
    return this;
  }

  private cancelPending(): void {
    if (this.call?.active() === true) this.call.cancel();
    this.call = null;
  }
}

/** An RxJS scheduler whose clock and timers are `time`'s. */
export function reactorScheduler(time: ReactorTime): SchedulerLike {
  return {
    now: () => time.seconds() * 1000,
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
      return new ReactorAction<T>(time, work).schedule(state, delay);
    },
  };
}
