/**
 * The reactor core shared by `NodeReactor` and `GLibReactor` (Twisted's `ReactorBase`): delayed
 * calls on one heap driven by ONE timer for the earliest call (PITFALLS 4), `callWhenRunning`,
 * system event triggers, `run`/`stop`/`crash`, SIGINT/SIGTERM handlers, and the registry of open
 * connections and ports that shutdown closes. An exception in a delayed call is logged and the
 * reactor keeps going; so is one from an RxJS subscriber (`rx-errors.ts`, installed by `run`).
 * Tests: test/conformance/core.ts, test/conformance/time.ts, test/reliability/user-exceptions.test.ts.
 */
import { Deferred } from '../defer/deferred';
import type { DelayedCall, ReactorTime } from '../defer/time';
import { getLogger } from '../log';
import { DelayedCallQueue, type ScheduledCall } from './delayed-call-queue';
import { ReactorAlreadyRunning, ReactorNotRestartable, ReactorNotRunning } from './errors';
import { installRxErrorReporting } from './rx-errors';
import type { ReactorCore, RunOptions, SystemEventPhase, SystemEventType, TriggerId } from './interfaces/reactor';
import type { LoopDriver, LoopDriverFactory } from './loop-driver';
import { SystemEvents } from './system-events';

/** Something shutdown must close: an open connection or a listening port. */
export interface Closeable {
  /** Closes at once (connections get `connectionLost`). */
  closeForShutdown(): void;
}

type State = 'idle' | 'starting' | 'running';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export abstract class ReactorBase implements ReactorTime, ReactorCore {
  private readonly queue: DelayedCallQueue;
  protected readonly driver: LoopDriver;
  private readonly events = new SystemEvents();
  private readonly closeables = new Set<Closeable>();
  private state: State = 'idle';
  private loopRunning = false;
  private stopping = false;
  private stoppedForGood = false;
  private armedAt: number | undefined;
  private runDeferred: Deferred<void> | null = null;
  private removeSignalHandlers: (() => void) | null = null;
  private isRunning = false;

  protected constructor(driverFactory: LoopDriverFactory) {
    this.driver = driverFactory(() => this.onTimer());
    this.queue = new DelayedCallQueue({ now: () => this.driver.now(), onChange: () => this.rearm() });
    this.addStartupTrigger();
    this.events.add('during', 'shutdown', () => this.disconnectAll(), []);
    this.events.add('during', 'shutdown', () => this.crash(), []);
  }

  // --- ReactorTime ------------------------------------------------------------------------------

  seconds(): number {
    return this.driver.now();
  }

  callLater<A extends unknown[]>(delaySeconds: number, fn: (...args: A) => unknown, ...args: A): DelayedCall {
    return this.queue.schedule(delaySeconds, fn, args);
  }

  getDelayedCalls(): DelayedCall[] {
    return this.queue.pending();
  }

  // --- ReactorCore ------------------------------------------------------------------------------

  get running(): boolean {
    return this.isRunning;
  }

  run(options: RunOptions = {}): Deferred<void> {
    if (this.state !== 'idle') throw new ReactorAlreadyRunning();
    if (this.stoppedForGood) throw new ReactorNotRestartable();
    this.state = 'starting';
    installRxErrorReporting();
    const done = new Deferred<void>();
    this.runDeferred = done;
    if (options.installSignalHandlers ?? true) this.installSignalHandlers();
    this.driver.start(() => {
      if (this.runDeferred !== done) return; // crashed before the loop got going
      this.loopRunning = true;
      this.armedAt = undefined;
      this.rearm();
      this.events.fire('startup');
    });
    return done;
  }

  stop(): void {
    if (this.state === 'idle' || this.stopping) throw new ReactorNotRunning();
    this.stopping = true;
    this.stoppedForGood = true;
    // Never synchronously from stop() (Twisted): the shutdown event runs on a later turn.
    this.callLater(0, () => this.events.fire('shutdown'));
  }

  crash(): void {
    if (this.state === 'idle') return;
    this.state = 'idle';
    this.isRunning = false;
    this.loopRunning = false;
    this.stopping = false;
    this.armedAt = undefined;
    this.driver.setTimer(undefined);
    this.addStartupTrigger();
    this.removeSignalHandlers?.();
    this.removeSignalHandlers = null;
    const done = this.runDeferred;
    this.runDeferred = null;
    this.driver.stop(() => done?.callback(undefined));
  }

  callWhenRunning<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): TriggerId | undefined {
    if (this.isRunning) {
      fn(...args);
      return undefined;
    }
    return this.events.add('after', 'startup', fn, args);
  }

  addSystemEventTrigger<A extends unknown[]>(phase: SystemEventPhase, event: SystemEventType,
    fn: (...args: A) => unknown, ...args: A): TriggerId {
    return this.events.add(phase, event, fn, args);
  }

  removeSystemEventTrigger(id: TriggerId): void {
    this.events.remove(id);
  }

  fireSystemEvent(event: SystemEventType): Deferred<void> {
    return this.events.fire(event);
  }

  // --- shared services for transports -----------------------------------------------------------

  /** @internal Registers a connection or port for shutdown; returns the function that forgets it. */
  track(closeable: Closeable): () => void {
    this.closeables.add(closeable);
    return () => {
      this.closeables.delete(closeable);
    };
  }

  /** @internal How many connections and ports are open (for tests and diagnostics). */
  get openCount(): number {
    return this.closeables.size;
  }

  // --- internals --------------------------------------------------------------------------------

  private addStartupTrigger(): void {
    this.events.add('during', 'startup', () => {
      this.state = 'running';
      this.isRunning = true;
    }, []);
  }

  private disconnectAll(): void {
    for (const closeable of [...this.closeables]) {
      try {
        closeable.closeForShutdown();
      } catch (error) {
        getLogger().error('Closing a connection at shutdown threw', { error });
      }
    }
    this.closeables.clear();
  }

  private installSignalHandlers(): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      getLogger().info('Received signal, shutting down', { signal });
      if (this.state !== 'idle' && !this.stopping) this.stop();
      else this.crash();
    };
    for (const signal of SIGNALS) process.on(signal, onSignal);
    this.removeSignalHandlers = () => {
      for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    };
  }

  private rearm(): void {
    if (!this.loopRunning) return;
    const next = this.queue.nextTime();
    if (next === undefined) return; // a stale wake-up is harmless
    if (this.armedAt !== undefined && next >= this.armedAt) return;
    this.armedAt = next;
    this.driver.setTimer(next - this.driver.now());
  }

  private onTimer(): void {
    this.armedAt = undefined;
    if (!this.loopRunning) return;
    this.queue.runDue(this.driver.now(), false, reportDelayedCallError);
    this.rearm();
  }
}

function reportDelayedCallError(error: unknown, call: ScheduledCall): void {
  getLogger().error('Unhandled error in a delayed call', { error, call: call.toString() });
}
