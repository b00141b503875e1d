/**
 * `reactorScheduler` on `Clock`: RxJS time operators run in virtual time, unsubscribing cancels
 * the pending calls, and on a real reactor a `timer` fires.
 */
import { debounceTime, interval, Subject, take, timeout, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { NodeReactor } from '../../src/reactor/impl/node-reactor';
import { reactorScheduler } from '../../src/reactor/scheduler';
import { Clock } from '../../src/testing/clock';
import { runReactor } from '../conformance/helpers';

describe('reactorScheduler', () => {
  it('now() is the clock in ms; timer fires when the clock reaches it', () => {
    const clock = new Clock();
    const scheduler = reactorScheduler(clock);
    clock.advance(2);
    expect(scheduler.now()).toBe(2000);
    const seen: number[] = [];
    timer(1500, scheduler).subscribe((v) => seen.push(v));
    clock.advance(1.499);
    expect(seen).toEqual([]);
    clock.advance(0.001);
    expect(seen).toEqual([0]);
    expect(clock.getDelayedCalls()).toEqual([]);
  });

  it('interval reschedules itself; unsubscribing cancels the pending call', () => {
    const clock = new Clock();
    const seen: number[] = [];
    const sub = interval(100, reactorScheduler(clock)).subscribe((v) => seen.push(v));
    clock.pump([0.1, 0.1, 0.1]);
    expect(seen).toEqual([0, 1, 2]);
    expect(clock.getDelayedCalls()).toHaveLength(1);
    sub.unsubscribe();
    expect(clock.getDelayedCalls()).toEqual([]);
    clock.advance(1);
    expect(seen).toEqual([0, 1, 2]);
    const taken: number[] = [];
    interval(10, reactorScheduler(clock)).pipe(take(2)).subscribe((v) => taken.push(v));
    clock.pump([0.01, 0.01, 0.01]);
    expect(taken).toEqual([0, 1]);
    expect(clock.getDelayedCalls()).toEqual([]);
  });

  it('debounceTime and timeout follow virtual time', () => {
    const clock = new Clock();
    const scheduler = reactorScheduler(clock);
    const input = new Subject<string>();
    const out: string[] = [];
    input.pipe(debounceTime(100, scheduler)).subscribe((v) => out.push(v));
    input.next('a');
    clock.advance(0.05);
    input.next('b');
    clock.advance(0.099);
    expect(out).toEqual([]);
    clock.advance(0.001);
    expect(out).toEqual(['b']);

    const errors: string[] = [];
    new Subject<number>().pipe(timeout({ first: 500, scheduler })).subscribe({ error: (e: Error) => errors.push(e.name) });
    clock.advance(0.499);
    expect(errors).toEqual([]);
    clock.advance(0.001);
    expect(errors).toEqual(['TimeoutError']);
  });

  it('runs on a real reactor', async () => {
    const builder = { name: 'NodeReactor', build: () => new NodeReactor() };
    await runReactor(builder, builder.build(), async (reactor) => {
      const start = reactor.seconds();
      const value = await new Promise<number>((resolve) => {
        timer(20, reactorScheduler(reactor)).subscribe(resolve);
      });
      expect(value).toBe(0);
      expect(reactor.seconds() - start).toBeGreaterThanOrEqual(0.019);
    });
  });
});
