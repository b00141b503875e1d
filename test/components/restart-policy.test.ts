import { describe, expect, it } from 'vitest';
import { RestartPolicy } from '../../src/components/index';
import { Clock } from '../../src/testing/index';

describe('RestartPolicy', () => {
  it('doubles the delay up to maxDelay, one restart at a time, and gives up after maxAttempts', () => {
    const clock = new Clock();
    const policy = new RestartPolicy(clock, { initialDelay: 1, maxDelay: 4, maxAttempts: 4 });
    const restarts: number[] = [];
    const restart = (): void => { restarts.push(clock.seconds()); };
    const delays: Array<number | null> = [];
    delays.push(policy.failed(restart));
    expect(policy.failed(restart)).toBeNull(); // already scheduled
    clock.advance(1);
    for (let i = 0; i < 4; i++) {
      delays.push(policy.failed(restart));
      clock.advance(10);
    }
    expect(delays).toEqual([1, 2, 4, 4, null]);
    // Four restarts ran (the Clock runs each inside the advance that passes it); the fifth failure gave up.
    expect(restarts).toEqual([1, 11, 21, 31]);
    expect(policy.attempts).toBe(5);
    expect(clock.getDelayedCalls()).toHaveLength(0);
  });

  it('forgives failures once a run stays up for stableAfter seconds, not before', () => {
    const clock = new Clock();
    const policy = new RestartPolicy(clock, { initialDelay: 1, stableAfter: 30 });
    policy.failed(() => undefined);
    clock.advance(1);
    policy.running();
    clock.advance(29);
    expect(policy.failed(() => undefined)).toBe(2); // failed again before it was stable
    clock.advance(2);
    policy.running();
    clock.advance(30);
    expect(policy.attempts).toBe(0);
    expect(policy.failed(() => undefined)).toBe(1);
    policy.cancel();
    expect(policy.scheduled).toBe(false);
    expect(clock.getDelayedCalls()).toHaveLength(0);
  });
});
