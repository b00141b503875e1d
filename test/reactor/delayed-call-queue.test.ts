/**
 * The delayed-call heap as real reactors drive it (`includeNew` false): calls scheduled while due
 * calls run wait for the next turn; `onChange` reports every change; errors go to `onError`.
 * (Clock's behaviour, `includeNew` true, is tested in test/testing/clock.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { DelayedCallQueue } from '../../src/reactor/delayed-call-queue';

describe('DelayedCallQueue', () => {
  it('leaves calls scheduled during a run for the next turn, reports changes and errors', () => {
    let now = 0;
    let changes = 0;
    const q = new DelayedCallQueue({ now: () => now, onChange: () => changes++ });
    const seen: string[] = [];
    const errors: unknown[] = [];
    q.schedule(0, () => {
      seen.push('a');
      q.schedule(0, () => seen.push('new'), []);
    }, []);
    q.schedule(0, () => {
      throw new Error('boom');
    }, []);
    q.schedule(1, () => seen.push('later'), []);
    expect(changes).toBe(3);
    expect(q.runDue(now, false, (e) => errors.push(e))).toBe(2);
    expect(seen).toEqual(['a']);
    expect(errors).toHaveLength(1);
    expect(q.size).toBe(2);
    now = 1;
    q.runDue(now, false);
    expect(seen).toEqual(['a', 'new', 'later']);
    expect(q.nextTime()).toBeUndefined();
    expect(() => q.schedule(Number.NaN, () => 0, [])).toThrow(TypeError);
  });
});
