import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/testing/clock';
import { AlreadyCalled, AlreadyCancelled } from '../../src/reactor/errors';

describe('Clock', () => {
  it('starts at zero and only moves when advanced', () => {
    const clock = new Clock();
    expect(clock.seconds()).toBe(0);
    clock.advance(1.5);
    expect(clock.seconds()).toBe(1.5);
    clock.pump([1, 2, 0.5]);
    expect(clock.seconds()).toBe(5);
  });

  it('runs calls in time order, with arguments, ties in scheduling order', () => {
    const clock = new Clock();
    const seen: string[] = [];
    clock.callLater(2, (x: string) => seen.push(x), 'c');
    clock.callLater(1, (x: string) => seen.push(x), 'a');
    clock.callLater(1, (x: string) => seen.push(x), 'b');
    clock.advance(0.99);
    expect(seen).toEqual([]);
    clock.advance(0.01);
    expect(seen).toEqual(['a', 'b']);
    clock.advance(5);
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('runs calls scheduled by a due call when they are already due', () => {
    const clock = new Clock();
    const seen: number[] = [];
    clock.callLater(1, () => {
      seen.push(1);
      clock.callLater(0, () => seen.push(2));
      clock.callLater(1, () => seen.push(3));
    });
    clock.advance(1);
    expect(seen).toEqual([1, 2]);
    clock.advance(1);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('cancel, delay and reset move or remove a call', () => {
    const clock = new Clock();
    const seen: string[] = [];
    const a = clock.callLater(1, () => seen.push('a'));
    const b = clock.callLater(2, () => seen.push('b'));
    const c = clock.callLater(3, () => seen.push('c'));
    a.cancel();
    b.delay(2); // now at 4
    clock.advance(1);
    c.reset(0.5); // now at 1.5
    expect(b.getTime()).toBe(4);
    expect(c.getTime()).toBe(1.5);
    expect(clock.getDelayedCalls().map((d) => d.getTime())).toEqual([1.5, 4]);
    clock.advance(1);
    expect(seen).toEqual(['c']);
    clock.advance(2);
    expect(seen).toEqual(['c', 'b']);
    expect(a.cancelled && !a.active()).toBe(true);
    expect(b.called && !b.active()).toBe(true);
    expect(() => a.cancel()).toThrow(AlreadyCancelled);
    expect(() => b.cancel()).toThrow(AlreadyCalled);
    expect(() => b.reset(1)).toThrow(AlreadyCalled);
    expect(() => a.delay(1)).toThrow(AlreadyCancelled);
    expect(clock.getDelayedCalls()).toEqual([]);
  });

  it('lets an exception from a call propagate out of advance, keeping later calls', () => {
    const clock = new Clock();
    const seen: number[] = [];
    clock.callLater(1, () => { throw new Error('boom'); });
    clock.callLater(2, () => seen.push(2));
    expect(() => clock.advance(1)).toThrow('boom');
    clock.advance(1);
    expect(seen).toEqual([2]);
  });

  it('rejects a negative advance', () => {
    expect(() => new Clock().advance(-1)).toThrow(RangeError);
  });

  it('keeps heap order under many random operations', () => {
    const clock = new Clock();
    const fired: number[] = [];
    const calls = [];
    let seed = 42;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
    for (let i = 0; i < 2000; i++) {
      const t = Math.floor(rnd() * 1000);
      calls.push(clock.callLater(t, () => fired.push(clock.seconds())));
    }
    for (let i = 0; i < 500; i++) {
      const call = calls[Math.floor(rnd() * calls.length)];
      if (call?.active()) {
        if (rnd() < 0.5) call.cancel(); else call.reset(Math.floor(rnd() * 1000));
      }
    }
    const expected = calls.filter((c) => c.active()).map((c) => c.getTime()).sort((a, b) => a - b);
    for (let i = 0; i < 1000; i++) clock.advance(1);
    expect(fired).toEqual(expected);
  });
});
