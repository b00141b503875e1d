/**
 * The loop driver of `NodeReactor`: plain libuv. `start` holds a ref'd handle so Node stays alive
 * until `stop`. Tests: test/conformance/ (NodeReactor runs every suite).
 */
import type { LoopDriver } from '../loop-driver';
import { monotonicSeconds, NodeTimer, nextTurn, refHandle } from './node-timer';

export function createNodeDriver(onTimer: () => void): LoopDriver {
  const timer = new NodeTimer(onTimer);
  let release: (() => void) | undefined;
  return {
    now: monotonicSeconds,
    setTimer: (delay) => timer.set(delay),
    start(started) {
      release = refHandle();
      nextTurn(started);
    },
    stop(stopped) {
      timer.clear();
      release?.();
      release = undefined;
      nextTurn(stopped);
    },
  };
}
