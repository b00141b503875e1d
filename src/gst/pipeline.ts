/**
 * `Pipeline`: a GstPipeline from a launch line or from element specs, with state changes as
 * Deferreds (async changes included; failures as {@link GstError}), bus messages as an Observable
 * (`bus.addSignalWatch()` + `'message'`, never polling), `eos` as a Deferred, and `dispose()` that
 * always ends in NULL with handlers disconnected and fds closed, in the order that avoids the
 * PITFALLS 6 deadlock: participants disconnect their sink handlers, the loop turns once, then
 * `setState(NULL)`, then participants close the fds still registered. Every downward change to
 * READY/NULL follows the same order. Tests: test/gst/pipeline.test.ts.
 */
import { Observable, Subject } from 'rxjs';
import { Deferred, fail } from '../defer/deferred';
import { toBusMessage, stateName } from './bus';
import { connectSignal } from './signals';
import { GstDisposedError, GstElementNotFound, GstError, GstOptionsError, GstStateChangeError } from './errors';
import { loadGst, type GstBus, type GstCore, type GstElement, type GstMessage, type GstPipelineElement } from './gst';
import { Host, type GstReactor } from './host';
import { setInternals, type PipelineInternals } from './internals';
import type { StopParticipant } from './participant';
import { getElementProperty, setElementProperty } from './properties';
import type { BusMessage, PipelineState, PropertyValue } from './types';

/** How a pipeline is made. */
export interface PipelineOptions {
  /** The reactor whose loop runs GStreamer's bus and signals (a GLib reactor, running). */
  readonly reactor: GstReactor;
}

/** One element of {@link Pipeline.fromElements}: a factory name, an optional name and properties. */
export interface ElementSpec {
  readonly factory: string;
  readonly name?: string;
  /** Properties in GStreamer's dashed form (`is-live`); `caps` may be a caps string. */
  readonly properties?: Readonly<Record<string, PropertyValue>>;
}

const STATE_NUMBERS: Readonly<Record<PipelineState, number>> = { null: 1, ready: 2, paused: 3, playing: 4 };
const PAUSED = 3;

interface Waiter {
  readonly target: PipelineState;
  readonly d: Deferred<PipelineState>;
}

/**
 * How long a stop waits after the sinks disconnected their thread handlers before going to NULL
 * (PITFALLS 6): a signal a sink thread was already emitting is marshalled to this thread and must
 * run first, or setState(NULL) waits for that thread while it waits for us. One loop turn was not
 * always enough under load; the spike's fix used 10 ms.
 */
const STOP_YIELD_SECONDS = 0.05;

/** A GStreamer pipeline driven from the reactor's loop. */
export class Pipeline {
  /** Every message posted on the pipeline's bus, in order, on the loop thread. Completes on dispose. */
  readonly messages$: Observable<BusMessage>;

  private readonly core: GstCore;
  private readonly host: Host;
  private readonly element: GstPipelineElement;
  private readonly bus: GstBus;
  private readonly subject = new Subject<BusMessage>();
  private readonly participants = new Set<StopParticipant>();
  private waiters: Waiter[] = [];
  private eosDeferred: Deferred<void> | null = null;
  private eosSeen = false;
  private lastError: GstError | null = null;
  private disconnectBus: () => void;
  private disposeDeferred: Deferred<void> | null = null;

  /** Parse a `gst-launch-1.0` description into a pipeline (a single element is put in one). */
  static launch(description: string, options: PipelineOptions): Pipeline {
    const core = loadGst();
    let element: GstElement;
    try {
      element = core.Gst.parseLaunch(description);
    } catch (error) {
      throw parseFailure(error, description);
    }
    if (element instanceof core.Gst.Pipeline) return new Pipeline(core, element, options);
    const pipeline = core.Gst.Pipeline.new(null) as GstPipelineElement;
    pipeline.add(element);
    return new Pipeline(core, pipeline, options);
  }

  /** Make the elements, add them to a new pipeline and link them in order. */
  static fromElements(specs: readonly ElementSpec[], options: PipelineOptions): Pipeline {
    const core = loadGst();
    const pipeline = core.Gst.Pipeline.new(null) as GstPipelineElement;
    let previous: GstElement | null = null;
    for (const spec of specs) {
      const element = core.Gst.ElementFactory.make(spec.factory, spec.name ?? null);
      if (element === null) throw new GstElementNotFound(spec.factory, `No GStreamer element factory '${spec.factory}'.`);
      for (const [key, value] of Object.entries(spec.properties ?? {})) setElementProperty(core, element, key, value);
      pipeline.add(element);
      if (previous !== null && !previous.link(element)) {
        pipeline.setState(core.Gst.State.NULL);
        throw new GstOptionsError(`Cannot link ${previous.getName() ?? '?'} to ${element.getName() ?? '?'}.`);
      }
      previous = element;
    }
    return new Pipeline(core, pipeline, options);
  }

  private constructor(core: GstCore, element: GstPipelineElement, options: PipelineOptions) {
    this.core = core;
    this.element = element;
    this.host = new Host(options.reactor);
    this.messages$ = this.subject.asObservable();
    const bus = element.getBus();
    if (bus === null) throw new GstOptionsError('The pipeline has no bus.');
    this.bus = bus;
    bus.addSignalWatch();
    this.disconnectBus = connectSignal(bus, 'message', this.host.guard('bus message', (msg: GstMessage) => this.onMessage(msg)));
    const internals: PipelineInternals = {
      core,
      host: this.host,
      element,
      getElement: (name) => this.getElement(name),
      currentState: () => this.element.getState(0)[1],
      addParticipant: (p) => { this.participants.add(p); },
      removeParticipant: (p) => { this.participants.delete(p); },
      isDisposing: () => this.disposeDeferred !== null,
    };
    setInternals(this, internals);
  }

  /** The pipeline's name (`pipeline0` unless named). */
  get name(): string {
    return this.element.getName() ?? '';
  }

  /** The current state, without waiting for a pending change. */
  get state(): PipelineState | 'void-pending' {
    return stateName(this.element.getState(0)[1]);
  }

  /** True once {@link dispose} was called. */
  get disposed(): boolean {
    return this.disposeDeferred !== null;
  }

  /**
   * Fires when the pipeline posts EOS; fails with the first {@link GstError} posted on the bus, or
   * with {@link GstDisposedError} if the pipeline is disposed first. Created on first access.
   */
  get eos(): Deferred<void> {
    if (this.eosDeferred === null) {
      this.eosDeferred = new Deferred<void>();
      if (this.eosSeen) this.eosDeferred.callback(undefined);
      else if (this.lastError !== null) this.eosDeferred.errback(this.lastError);
      else if (this.disposed) this.eosDeferred.errback(new GstDisposedError('The pipeline was disposed before EOS.'));
    }
    return this.eosDeferred;
  }

  /**
   * Ask for a state; the Deferred fires with it once reached (waiting for asynchronous changes)
   * or fails with the {@link GstError} that stopped it (or {@link GstStateChangeError}). Going
   * down to READY/NULL first detaches the sinks' thread handlers and turns the loop once.
   */
  setState(target: PipelineState): Deferred<PipelineState> {
    if (this.disposed) return fail(new GstDisposedError(`Cannot set ${target}: the pipeline was disposed.`));
    const d = new Deferred<PipelineState>();
    for (const w of this.waiters) {
      if (w.target !== target) w.d.errback(new GstStateChangeError(w.target, `Superseded by setState('${target}').`));
    }
    this.waiters = this.waiters.filter((w) => w.target === target);
    const [, current, pending] = this.element.getState(0);
    const goingDown = STATE_NUMBERS[target] < PAUSED && Math.max(current, pending) >= PAUSED;
    if (goingDown && this.participants.size > 0) {
      for (const p of [...this.participants]) p.beforeStop();
      this.host.post('setState', () => {
        if (this.disposed) {
          d.errback(new GstDisposedError(`Cannot set ${target}: the pipeline was disposed.`));
          return;
        }
        this.apply(target, d);
        for (const p of [...this.participants]) p.afterStop(this.disposed);
      }, STOP_YIELD_SECONDS);
    } else {
      this.apply(target, d);
    }
    return d;
  }

  /** Set a property of a named element (`sink`, `sync-method`, 2). */
  setProperty(elementName: string, property: string, value: PropertyValue): void {
    setElementProperty(this.core, this.getElement(elementName), property, value);
  }

  /** Read a property of a named element; 64-bit values are `bigint`. */
  getProperty(elementName: string, property: string): PropertyValue | null {
    return getElementProperty(this.getElement(elementName), property);
  }

  /** True if the pipeline has an element of that name. */
  hasElement(name: string): boolean {
    return this.element.getByName(name) !== null;
  }

  /**
   * Tear down: sinks disconnect their handlers, the loop turns once, the pipeline goes to NULL,
   * fds still registered are closed, messages still on the bus are delivered, the bus watch is
   * removed and `messages$` completes.
   * Idempotent; the Deferred fires when all of that is done.
   */
  dispose(): Deferred<void> {
    if (this.disposeDeferred !== null) return this.disposeDeferred;
    const done = new Deferred<void>();
    this.disposeDeferred = done;
    for (const p of [...this.participants]) p.beforeStop();
    this.host.post('dispose', () => {
      try {
        this.drainBus(); // going to NULL flushes the bus: deliver what is queued first
        this.element.setState(this.core.Gst.State.NULL);
        for (const p of [...this.participants]) p.afterStop(true);
      } finally {
        this.participants.clear();
        this.drainBus();
        this.disconnectBus();
        this.bus.removeSignalWatch();
        const error = new GstDisposedError('The pipeline was disposed.');
        for (const w of this.waiters.splice(0)) w.d.errback(error);
        if (this.eosDeferred !== null && !this.eosDeferred.called) this.eosDeferred.errback(error);
        this.subject.complete();
        done.callback(undefined);
      }
    }, STOP_YIELD_SECONDS);
    return done;
  }

  /**
   * Take elements out of the pipeline: each goes to NULL and is removed, links and all. For a
   * branch that turned out unused (the audio side of a decoder whose input has no audio), so the
   * pipeline stops waiting for it to preroll and to end. Fails with {@link GstElementNotFound}
   * before removing anything if a name is unknown.
   */
  remove(...names: string[]): void {
    const elements = names.map((name) => this.getElement(name));
    for (const el of elements) {
      el.setState(this.core.Gst.State.NULL);
      this.element.remove(el);
    }
  }

  private getElement(name: string): GstElement {
    const el = this.element.getByName(name);
    if (el === null) throw new GstElementNotFound(name);
    return el;
  }

  private apply(target: PipelineState, d: Deferred<PipelineState>): void {
    const { Gst } = this.core;
    if (target === 'null') this.drainBus(); // going to NULL flushes the bus: deliver what is queued first
    const ret = this.element.setState(STATE_NUMBERS[target]);
    if (ret === Gst.StateChangeReturn.FAILURE) {
      this.waiters.push({ target, d });
      this.drainBus();
      if (!d.called) {
        this.waiters = this.waiters.filter((w) => w.d !== d);
        d.errback(this.lastError ?? new GstStateChangeError(target));
      }
    } else if (ret === Gst.StateChangeReturn.ASYNC) {
      this.waiters.push({ target, d });
    } else {
      d.callback(target);
    }
  }

  /** Dispatch whatever the bus holds now (so a FAILURE comes with its ERROR message). */
  private drainBus(): void {
    for (let msg = this.bus.pop(); msg !== null; msg = this.bus.pop()) this.onMessage(msg);
  }

  private onMessage(msg: GstMessage): void {
    const { Gst } = this.core;
    const message = toBusMessage(this.core, msg);
    if (msg.type === Gst.MessageType.ERROR && message.error !== undefined) {
      this.lastError ??= message.error;
      for (const w of this.waiters.splice(0)) w.d.errback(message.error);
      if (this.eosDeferred !== null && !this.eosDeferred.called) this.eosDeferred.errback(message.error);
    } else if (msg.type === Gst.MessageType.EOS) {
      this.eosSeen = true;
      if (this.eosDeferred !== null && !this.eosDeferred.called) this.eosDeferred.callback(undefined);
    } else if ((msg.type === Gst.MessageType.STATE_CHANGED && msg.src === this.element) || msg.type === Gst.MessageType.ASYNC_DONE) {
      this.settleWaiters();
    }
    this.subject.next(message);
  }

  private settleWaiters(): void {
    if (this.waiters.length === 0) return;
    const [, current, pending] = this.element.getState(0);
    if (pending !== this.core.Gst.State.VOID_PENDING) return;
    const reached = this.waiters.filter((w) => STATE_NUMBERS[w.target] === current);
    this.waiters = this.waiters.filter((w) => STATE_NUMBERS[w.target] !== current);
    for (const w of reached) w.d.callback(w.target);
  }
}

function parseFailure(error: unknown, description: string): GstError {
  const e = error as { message?: unknown; domain?: unknown; code?: unknown };
  return new GstError({
    domain: 'gst-parse-error-quark',
    gstCode: typeof e.code === 'number' ? e.code : 0,
    message: typeof e.message === 'string' ? e.message : `Cannot parse: ${description}`,
    debug: description,
    elementPath: null,
  }, { cause: error });
}
