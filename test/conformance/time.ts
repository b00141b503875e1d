/**
 * Conformance: time (Twisted's `TimeTestsBuilder`) — ordering, arguments, cancel/reset/delay,
 * a delayed call that stops the reactor, an exception in a delayed call is logged and the reactor
 * keeps going, a call in the extreme future does not disturb the rest.
 */
import { describe, expect, it } from 'vitest';
import { captureLogs } from '../../src/log';
import { AlreadyCalled, AlreadyCancelled } from '../../src/reactor/errors';
import { deferLater, runReactor, type CoreReactor, type ReactorBuilder } from './helpers';

export function timeSuite(builder: ReactorBuilder): void {
  describe(`${builder.name}: time`, () => {
    it('runs delayed calls in time order with their arguments, ties in scheduling order', async () => {
      const r = builder.build();
      const seen: string[] = [];
      await runReactor(builder, r, async (reactor: CoreReactor) => {
        const t0 = reactor.seconds();
        reactor.callLater(0.03, (x: string) => seen.push(x), 'c');
        reactor.callLater(0.01, (x: string, y: string) => seen.push(x + y), 'a', '1');
        reactor.callLater(0.01, (x: string) => seen.push(x), 'b');
        reactor.callLater(0, (x: string) => seen.push(x), 'zero');
        await deferLater(reactor, 0.05, null);
        expect(reactor.seconds() - t0).toBeGreaterThanOrEqual(0.049);
      });
      expect(seen).toEqual(['zero', 'a1', 'b', 'c']);
    });

    it('cancel, delay and reset move or remove calls; the errors are typed', async () => {
      const r = builder.build();
      const seen: string[] = [];
      await runReactor(builder, r, async (reactor: CoreReactor) => {
        const a = reactor.callLater(0.01, () => seen.push('a'));
        const b = reactor.callLater(0.02, () => seen.push('b'));
        const c = reactor.callLater(0.08, () => seen.push('c'));
        a.cancel();
        b.delay(0.04); // now 0.06
        c.reset(0.03); // now 0.03
        const pending = reactor.getDelayedCalls();
        expect(pending).not.toContain(a);
        expect(pending).toContain(b);
        expect(b.getTime()).toBeCloseTo(c.getTime() + 0.03, 2);
        await deferLater(reactor, 0.1, null);
        expect(a.cancelled && !a.active()).toBe(true);
        expect(() => a.cancel()).toThrow(AlreadyCancelled);
        expect(() => b.reset(1)).toThrow(AlreadyCalled);
      });
      expect(seen).toEqual(['c', 'b']);
    });

    it('a delayed call can stop the reactor', async () => {
      const r = builder.build();
      let after = false;
      r.callWhenRunning(() => {
        r.callLater(0.01, () => r.stop());
        r.callLater(5, () => {
          after = true;
        });
      });
      const timeout = r.callLater(10, () => r.crash());
      const done = r.run({ installSignalHandlers: false });
      if (builder.drive !== undefined) await builder.drive(r, done);
      else await done;
      expect(timeout.active()).toBe(true);
      timeout.cancel();
      expect(after).toBe(false);
      expect(r.running).toBe(false);
    });

    it(builder.delayedCallErrors === 'raised'
      ? 'raises an exception from a delayed call out of the clock, keeping later calls'
      : 'logs an exception from a delayed call and keeps running', async () => {
      if (builder.delayedCallErrors === 'raised') {
        const r = builder.build();
        r.callLater(1, () => {
          throw new Error('boom in a delayed call');
        });
        const later = r.callLater(2, () => undefined);
        const done = r.run({ installSignalHandlers: false });
        await expect(builder.drive?.(r, done)).rejects.toThrow('boom');
        expect(later.active()).toBe(true);
        r.stop();
        await builder.drive?.(r, done);
        expect(done.called).toBe(true);
        return;
      }
      const logs = captureLogs();
      const r = builder.build();
      let ran = false;
      try {
        await runReactor(builder, r, async (reactor: CoreReactor) => {
          reactor.callLater(0, () => {
            throw new Error('boom in a delayed call');
          });
          reactor.callLater(0.01, () => {
            ran = true;
          });
          await deferLater(reactor, 0.02, null);
        });
      } finally {
        logs.restore();
      }
      expect(ran).toBe(true);
      expect(logs.records.some((rec) => rec.level === 'error' && String((rec.fields['error'] as Error | undefined)?.message).includes('boom'))).toBe(true);
    });

    it('a call in the extreme future does not disturb nearer ones', async () => {
      const r = builder.build();
      let near = false;
      await runReactor(builder, r, async (reactor: CoreReactor) => {
        const far = reactor.callLater(2 ** 40, () => undefined);
        reactor.callLater(0.01, () => {
          near = true;
        });
        await deferLater(reactor, 0.02, null);
        far.cancel();
      });
      expect(near).toBe(true);
    });

    it('a zero-delay call scheduled by a running call waits for the next turn', async () => {
      const r = builder.build();
      const seen: number[] = [];
      await runReactor(builder, r, async (reactor: CoreReactor) => {
        reactor.callLater(0, () => {
          seen.push(1);
          reactor.callLater(0, () => seen.push(3));
        });
        reactor.callLater(0, () => seen.push(2));
        await deferLater(reactor, 0.01, null);
      });
      expect(seen).toEqual([1, 2, 3]);
    });
  });
}
