/**
 * Conformance: the reactor core (Twisted's `SystemEventTestsBuilder`) — run/stop/crash, the
 * `running` flag across startup phases, callWhenRunning order, shutdown triggers (including waiting
 * on a Deferred from a `before` trigger), and the typed errors for misuse.
 */
import { describe, expect, it } from 'vitest';
import { Deferred } from '../../src/defer/deferred';
import { captureLogs } from '../../src/log';
import { ReactorAlreadyRunning, ReactorNotRestartable, ReactorNotRunning, UnknownTriggerError } from '../../src/reactor/errors';
import { deferLater, runReactor, type CoreReactor, type ReactorBuilder } from './helpers';

async function runUntilStopped(builder: ReactorBuilder, r: CoreReactor): Promise<void> {
  const done = r.run({ installSignalHandlers: false });
  if (builder.drive !== undefined) await builder.drive(r, done);
  else await done;
}

export function coreSuite(builder: ReactorBuilder): void {
  describe(`${builder.name}: core`, () => {
    it('stop() before run() raises ReactorNotRunning', () => {
      expect(() => builder.build().stop()).toThrow(ReactorNotRunning);
    });

    it('callWhenRunning keeps order; running is false in before-startup and true from during-startup', async () => {
      const r = builder.build();
      const seen: string[] = [];
      r.addSystemEventTrigger('before', 'startup', () => seen.push(`before:${r.running}`));
      r.addSystemEventTrigger('during', 'startup', () => seen.push(`during:${r.running}`));
      r.callWhenRunning((x: string) => seen.push(x), 'first');
      r.callWhenRunning(() => seen.push('second'));
      r.callWhenRunning(() => {
        r.callWhenRunning(() => seen.push('now')); // already running: synchronous
        seen.push('after-now');
        r.stop();
      });
      await runUntilStopped(builder, r);
      expect(seen).toEqual(['before:false', 'during:true', 'first', 'second', 'now', 'after-now']);
      expect(r.running).toBe(false);
    });

    it('stop() fires before/during/after shutdown on a later turn, all before run() completes', async () => {
      const r = builder.build();
      const seen: string[] = [];
      for (const phase of ['after', 'during', 'before'] as const) {
        r.addSystemEventTrigger(phase, 'shutdown', () => seen.push(phase));
      }
      r.callWhenRunning(() => {
        r.stop();
        seen.push('stop returned');
        expect(() => r.stop()).toThrow(ReactorNotRunning);
      });
      await runUntilStopped(builder, r);
      expect(seen).toEqual(['stop returned', 'before', 'during', 'after']);
    });

    it('shutdown waits for a Deferred returned by a before trigger', async () => {
      const r = builder.build();
      const seen: string[] = [];
      r.addSystemEventTrigger('before', 'shutdown', () => {
        const d = new Deferred<void>();
        r.callLater(0.05, () => {
          seen.push('deferred fired');
          d.callback(undefined);
        });
        return d;
      });
      r.addSystemEventTrigger('during', 'shutdown', () => seen.push('during'));
      r.callWhenRunning(() => r.stop());
      await runUntilStopped(builder, r);
      expect(seen).toEqual(['deferred fired', 'during']);
    });

    it('a throwing trigger is logged and the others still run; removed triggers do not run', async () => {
      const r = builder.build();
      const seen: string[] = [];
      r.addSystemEventTrigger('before', 'shutdown', () => {
        throw new Error('trigger boom');
      });
      r.addSystemEventTrigger('before', 'shutdown', () => seen.push('second'));
      const id = r.addSystemEventTrigger('during', 'shutdown', () => seen.push('removed'));
      r.removeSystemEventTrigger(id);
      expect(() => r.removeSystemEventTrigger(id)).toThrow(UnknownTriggerError);
      r.callWhenRunning(() => r.stop());
      const logs = captureLogs();
      try {
        await runUntilStopped(builder, r);
      } finally {
        logs.restore();
      }
      expect(seen).toEqual(['second']);
      expect(logs.records.map((rec) => rec.message)).toContain('A system event trigger threw');
    });

    it('run() while running raises; run() after stop() raises ReactorNotRestartable', async () => {
      const r = builder.build();
      r.callWhenRunning(() => {
        expect(() => r.run()).toThrow(ReactorAlreadyRunning);
        r.stop();
      });
      await runUntilStopped(builder, r);
      expect(() => r.run()).toThrow(ReactorNotRestartable);
    });

    it('crash() stops without shutdown triggers, and run() may start again', async () => {
      const r = builder.build();
      const seen: string[] = [];
      r.addSystemEventTrigger('before', 'shutdown', () => seen.push('shutdown'));
      r.callWhenRunning(() => r.crash());
      await runUntilStopped(builder, r);
      expect(seen).toEqual([]);
      expect(r.running).toBe(false);
      await runReactor(builder, r, async (reactor) => {
        await deferLater(reactor, 0.01, null);
        seen.push('second run');
      });
      expect(seen).toEqual(['second run', 'shutdown']);
    });

    it('fireSystemEvent fires a custom event\'s three phases', async () => {
      const r = builder.build();
      const seen: string[] = [];
      await runReactor(builder, r, async () => {
        r.addSystemEventTrigger('after', 'custom', () => seen.push('after'));
        r.addSystemEventTrigger('before', 'custom', () => {
          seen.push('before');
          return deferLater(r, 0.01, null);
        });
        await r.fireSystemEvent('custom');
        seen.push('fired');
      });
      expect(seen).toEqual(['before', 'after', 'fired']);
    });
  });
}
