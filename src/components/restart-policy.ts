/**
 * `RestartPolicy`: when a sad flow is restarted. Delays double from `initialDelay` up to
 * `maxDelay`, then stay there: by default a live server keeps trying for as long as it runs (each
 * run's pipeline is collected after its dispose, fds included; test/reliability/element-error.test.ts
 * restarts a failing flow 15 times). `maxAttempts` makes it give up after that many consecutive
 * failures. A flow that stays up for `stableAfter` seconds is forgiven its past failures. Time
 * comes from `ReactorTime`.
 * Tests: test/components/restart-policy.test.ts.
 */
import type { DelayedCall, ReactorTime } from '../defer/time';

/** Options of {@link RestartPolicy}. */
export interface RestartOptions {
  /** Seconds before the first restart (default 1). */
  readonly initialDelay?: number;
  /** Longest delay, in seconds (default 30). */
  readonly maxDelay?: number;
  /** Consecutive failed runs before giving up (default: never give up). */
  readonly maxAttempts?: number;
  /** Seconds up after which the failure count resets (default 30). */
  readonly stableAfter?: number;
}

export class RestartPolicy {
  private failures = 0;
  private pending: DelayedCall | null = null;
  private stable: DelayedCall | null = null;
  private readonly initialDelay: number;
  private readonly maxDelay: number;
  private readonly maxAttempts: number;
  private readonly stableAfter: number;

  constructor(private readonly time: ReactorTime, options: RestartOptions = {}) {
    this.initialDelay = options.initialDelay ?? 1;
    this.maxDelay = options.maxDelay ?? 30;
    this.maxAttempts = options.maxAttempts ?? Infinity;
    this.stableAfter = options.stableAfter ?? 30;
  }

  /** Consecutive failures so far. */
  get attempts(): number {
    return this.failures;
  }

  /** True while a restart is scheduled. */
  get scheduled(): boolean {
    return this.pending !== null;
  }

  /**
   * A run failed: schedules `restart` and returns its delay in seconds, or null if one is already
   * scheduled or the policy gave up (`attempts` > `maxAttempts`).
   */
  failed(restart: () => void): number | null {
    this.cancelStable();
    if (this.pending !== null) return null;
    this.failures += 1;
    if (this.failures > this.maxAttempts) return null;
    const delay = Math.min(this.initialDelay * 2 ** (this.failures - 1), this.maxDelay);
    this.pending = this.time.callLater(delay, () => {
      this.pending = null;
      restart();
    });
    return delay;
  }

  /** A run is up: forgive past failures once it has stayed up for `stableAfter` seconds. */
  running(): void {
    this.cancelStable();
    this.stable = this.time.callLater(this.stableAfter, () => {
      this.stable = null;
      this.failures = 0;
    });
  }

  /** Cancels any scheduled restart and stability timer. */
  cancel(): void {
    if (this.pending?.active() === true) this.pending.cancel();
    this.pending = null;
    this.cancelStable();
  }

  private cancelStable(): void {
    if (this.stable?.active() === true) this.stable.cancel();
    this.stable = null;
  }
}
