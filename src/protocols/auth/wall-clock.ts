/**
 * Wall-clock time for tokens. Token expiry is absolute (Unix seconds) because tokens are minted by
 * one process and checked by another, but `ReactorTime.seconds()` of a real reactor is monotonic
 * and per-process. `anchoredClock` turns any `ReactorTime` into Unix seconds from one reading of
 * the wall clock taken by the application (the CLI or an example), so `src/` still reads time only
 * through `ReactorTime` and tests drive it with `Clock`. Tests: test/protocols/auth/token-bouncer.test.ts.
 */
import type { ReactorTime } from '../../defer/time';

/** Something that tells the current time in Unix seconds. */
export interface WallClock {
  seconds(): number;
}

/** Unix time that moves with `time`: `epochSeconds` now, then `time`'s elapsed seconds added. */
export function anchoredClock(time: Pick<ReactorTime, 'seconds'>, epochSeconds: number): WallClock {
  const base = time.seconds();
  return { seconds: () => epochSeconds + (time.seconds() - base) };
}
