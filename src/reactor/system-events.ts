/**
 * System event triggers (Twisted's `_ThreePhaseEvent`): each event (`startup`, `shutdown`, or any
 * name) has `before`, `during` and `after` triggers. `before` triggers may return a Deferred or a
 * Promise; `during` waits for all of them. Triggers are one-shot: firing an event consumes them.
 * A throwing trigger (or a failing Deferred) is logged and does not stop the others.
 * Tests: test/conformance/core.ts (run on MemoryReactor, NodeReactor and GLibReactor).
 */
import { Deferred } from '../defer/deferred';
import { Failure } from '../defer/failure';
import { getLogger } from '../log';
import { UnknownTriggerError } from './errors';
import type { SystemEventPhase, TriggerId } from './interfaces/reactor';

interface Trigger extends TriggerId {
  readonly fn: (...args: unknown[]) => unknown;
  readonly args: readonly unknown[];
}

class ThreePhaseEvent {
  readonly before: Trigger[] = [];
  readonly during: Trigger[] = [];
  readonly after: Trigger[] = [];
  firing = false;

  list(phase: SystemEventPhase): Trigger[] {
    return this[phase];
  }
}

const PHASES: readonly SystemEventPhase[] = ['before', 'during', 'after'];

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null
    && typeof (value as { then?: unknown }).then === 'function';
}

/** The trigger registry of one reactor. */
export class SystemEvents {
  private readonly events = new Map<string, ThreePhaseEvent>();

  add<A extends unknown[]>(phase: SystemEventPhase, event: string, fn: (...args: A) => unknown, args: A): TriggerId {
    if (!PHASES.includes(phase)) throw new TypeError(`Unknown system event phase: ${String(phase)}`);
    if (typeof fn !== 'function') throw new TypeError('addSystemEventTrigger needs a function');
    const trigger: Trigger = { phase, event, fn: fn as (...args: unknown[]) => unknown, args };
    this.event(event).list(phase).push(trigger);
    return trigger;
  }

  remove(id: TriggerId): void {
    const list = this.events.get(id.event)?.list(id.phase);
    const index = list === undefined ? -1 : list.indexOf(id as Trigger);
    if (list === undefined || index < 0) throw new UnknownTriggerError(`No ${id.phase} ${id.event} trigger with that id.`);
    list.splice(index, 1);
  }

  /**
   * Fires the three phases of `event`. The returned Deferred fires once the `after` triggers ran
   * (synchronously when no `before` trigger returned something pending).
   */
  fire(event: string): Deferred<void> {
    const ev = this.event(event);
    const done = new Deferred<void>();
    if (ev.firing) {
      getLogger().warn('System event fired while already firing; ignored', { event });
      done.callback(undefined);
      return done;
    }
    ev.firing = true;
    let pending = 1;
    const continueFiring = (): void => {
      if (--pending > 0) return;
      this.runAll(ev.during, event);
      this.runAll(ev.after, event);
      ev.firing = false;
      done.callback(undefined);
    };
    for (const result of this.runAll(ev.before, event)) {
      if (result instanceof Deferred) {
        pending++;
        result.addBoth((outcome: unknown) => {
          if (outcome instanceof Failure) {
            getLogger().error('A before-trigger Deferred failed', { event, failure: outcome });
          }
          continueFiring();
          return undefined;
        });
      } else if (isThenable(result)) {
        pending++;
        result.then(continueFiring, (error: unknown) => {
          getLogger().error('A before-trigger Promise rejected', { event, error });
          continueFiring();
        });
      }
    }
    continueFiring();
    return done;
  }

  private runAll(list: Trigger[], event: string): unknown[] {
    const results: unknown[] = [];
    while (list.length > 0) {
      const trigger = list.shift() as Trigger;
      try {
        results.push(trigger.fn(...trigger.args));
      } catch (error) {
        getLogger().error('A system event trigger threw', { event, phase: trigger.phase, error });
      }
    }
    return results;
  }

  private event(name: string): ThreePhaseEvent {
    let ev = this.events.get(name);
    if (ev === undefined) {
      ev = new ThreePhaseEvent();
      this.events.set(name, ev);
    }
    return ev;
  }
}
