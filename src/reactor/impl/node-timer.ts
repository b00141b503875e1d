/**
 * The one Node timer behind a reactor's delayed calls (PITFALLS 4: never one GLib source per call),
 * and the monotonic clock. A due-now wake-up uses `setImmediate` (no 1 ms `setTimeout` floor), a
 * later one an unref'd `setTimeout` clamped to Node's 2^31-1 ms limit (it simply re-arms).
 * Tests: test/conformance/time.ts.
 */
import { performance } from 'node:perf_hooks';

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Monotonic seconds. */
export function monotonicSeconds(): number {
  return performance.now() / 1000;
}

/** A single re-armable wake-up. */
export class NodeTimer {
  private timeout: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly fire = (): void => {
    this.timeout = undefined;
    this.immediate = undefined;
    this.onFire();
  };

  constructor(private readonly onFire: () => void) {}

  /** Arms the timer `delaySeconds` from now; `undefined` disarms it. */
  set(delaySeconds: number | undefined): void {
    this.clear();
    if (delaySeconds === undefined) return;
    if (delaySeconds <= 0) {
      this.immediate = setImmediate(this.fire);
    } else {
      this.timeout = setTimeout(this.fire, Math.min(MAX_TIMEOUT_MS, Math.ceil(delaySeconds * 1000)));
      this.timeout.unref();
    }
  }

  clear(): void {
    if (this.timeout !== undefined) clearTimeout(this.timeout);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timeout = undefined;
    this.immediate = undefined;
  }
}

/** A ref'd libuv handle that keeps Node alive; returns the function that releases it. */
export function refHandle(): () => void {
  const handle = setInterval(() => undefined, 2 ** 30);
  return () => clearInterval(handle);
}

/** Runs `fn` on the next loop turn. */
export function nextTurn(fn: () => void): void {
  setImmediate(fn);
}
