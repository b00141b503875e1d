/**
 * `Flow`: components wired into one pipeline, Flumotion's flow inside one process. The fragments
 * are joined into a single gst-launch line: each feeder ends in a tee and each eater branches off
 * it through its own queue ("one input, many outputs"). `start()` makes the pipeline, attaches the
 * components (FdSinks), plays it, and starts each component; a bus error turns the component that
 * owns the failing element sad (every component when the element is anonymous) and is logged; the
 * flow is then torn down and rebuilt with backoff ({@link RestartPolicy}).
 * Tests: test/components/flow.test.ts.
 */
import type { Subscription } from 'rxjs';
import { Deferred, fail, succeed } from '../defer/deferred';
import { DeferredList } from '../defer/deferred-list';
import type { Failure } from '../defer/failure';
import type { GstReactor } from '../gst/host';
import { Pipeline } from '../gst/pipeline';
import type { BusMessage } from '../gst/types';
import { getLogger } from '../log';
import type { Component, Mood } from './component';
import { ComponentError } from './errors';
import { RestartPolicy, type RestartOptions } from './restart-policy';

/** Resolves an eater reference (`component:feed`, or `component` for its only feed) to a tee name. */
function resolveEater(ref: string, byName: ReadonlyMap<string, Component>, eater: Component): string {
  const [name, feed] = ref.split(':', 2) as [string, string | undefined];
  const producer = byName.get(name);
  if (producer === undefined) throw new ComponentError(`${eater.name} eats '${ref}', but there is no component '${name}'`);
  if (producer === eater) throw new ComponentError(`${eater.name} eats its own feed`);
  if (feed === undefined) {
    if (producer.feeders.length !== 1) {
      throw new ComponentError(`${eater.name} eats '${ref}': name one of its feeds (${producer.feeders.map((f) => `${name}:${f}`).join(', ') || 'none'})`);
    }
    return producer.feedElement(producer.feeders[0] as string);
  }
  if (!producer.feeders.includes(feed)) throw new ComponentError(`${eater.name} eats '${ref}', but ${name} has no feed '${feed}'`);
  return producer.feedElement(feed);
}

/** The component an element belongs to: the longest name that prefixes it (`cam-2` over `cam`), or null. */
export function elementOwner(components: readonly Component[], elementName: string | null): Component | null {
  let best: Component | null = null;
  for (const c of components) {
    if (elementName !== null && c.ownsElement(elementName) && (best === null || c.name.length > best.name.length)) best = c;
  }
  return best;
}

/** The single gst-launch line of a set of components (throws {@link ComponentError} if they do not wire up). */
export function flowLaunchLine(components: readonly Component[]): string {
  if (components.length === 0) throw new ComponentError('a flow needs at least one component');
  const byName = new Map<string, Component>();
  for (const c of components) {
    if (byName.has(c.name)) throw new ComponentError(`two components are named '${c.name}'`);
    byName.set(c.name, c);
  }
  return components.map((c) => c.fragment(c.eaters.map((ref) => resolveEater(ref, byName, c)))).join('   ');
}

/** Options of {@link Flow}. */
export interface FlowOptions {
  /** Restart a flow that failed (a bus error, or a failed start) with backoff; `false` never does. Default: on. */
  readonly restart?: RestartOptions | false;
}

/** Components in one pipeline. */
export class Flow {
  private pipe: Pipeline | null = null;
  private subscription: Subscription | null = null;
  private stopping: Deferred<void> | null = null;
  private reactor: GstReactor | null = null;
  private policy: RestartPolicy | null = null;
  private runs = 0;

  constructor(readonly components: readonly Component[], private readonly options: FlowOptions = {}) {
    flowLaunchLine(components);
  }

  /** The pipeline of the current run, once started. */
  get pipeline(): Pipeline | null {
    return this.pipe;
  }

  /** True once {@link stop} was called. */
  get stopped(): boolean {
    return this.stopping !== null;
  }

  /** How many times the pipeline was built (1 + restarts). */
  get starts(): number {
    return this.runs;
  }

  /** The component of that name. */
  get(name: string): Component | undefined {
    return this.components.find((c) => c.name === name);
  }

  /** The worst mood of the flow (sad > waking > hungry > happy). */
  get mood(): Mood {
    const order: Mood[] = ['sad', 'waking', 'hungry', 'happy'];
    for (const m of order) if (this.components.some((c) => c.mood === m)) return m;
    return 'happy';
  }

  /**
   * Builds the pipeline and plays it; fires once it plays and every component has started. On a
   * failure (now or later, from the bus) the flow is restarted with backoff unless `restart: false`.
   */
  start(reactor: GstReactor): Deferred<void> {
    if (this.reactor !== null) return fail(new ComponentError('the flow was already started'));
    this.reactor = reactor;
    if (this.options.restart !== false) this.policy = new RestartPolicy(reactor, this.options.restart ?? {});
    return this.run();
  }

  /** Stops the components and disposes of the pipeline (viewers are closed, fds released). Idempotent. */
  stop(): Deferred<void> {
    if (this.stopping !== null) return this.stopping;
    this.policy?.cancel();
    const done = this.teardown().addCallback(() => {
      for (const c of this.components) c.dispose();
    });
    this.stopping = done;
    return done;
  }

  private run(): Deferred<void> {
    const reactor = this.reactor as GstReactor;
    this.runs += 1;
    let pipeline: Pipeline;
    const line = flowLaunchLine(this.components);
    getLogger().debug('flow pipeline', { launch: line, run: this.runs });
    const attached: Deferred<void>[] = [];
    try {
      pipeline = Pipeline.launch(line, { reactor });
      this.pipe = pipeline;
      for (const c of this.components) {
        const d = c.attach({ pipeline, time: reactor, reactor });
        if (d !== undefined) attached.push(d);
      }
    } catch (error) {
      for (const c of this.components) c.setMood('sad', error instanceof Error ? error.message : String(error));
      this.scheduleRestart();
      return fail(error);
    }
    this.subscription = pipeline.messages$.subscribe((m) => this.onMessage(m));
    const ready = attached.length === 0 ? succeed<unknown>(undefined)
      : new DeferredList(attached, { fireOnOneErrback: true, consumeErrors: true }).addErrback((f: Failure) => {
        throw (f.value as { subFailure?: Failure }).subFailure?.value ?? f.value;
      });
    return ready.addCallback(() => (this.stopping !== null || this.pipe !== pipeline ? fail(new ComponentError('the flow stopped while starting'))
      : pipeline.setState('playing'))).addCallbacks(
      (): Deferred<void> => new DeferredList(this.components.map((c) => c.start()), { fireOnOneErrback: true, consumeErrors: true })
        .addCallback(() => {
          if (this.pipe === pipeline) this.policy?.running();
        }),
      (failure: Failure): Failure => {
        if (this.stopping !== null) return failure; // stopped while starting: not a failure of the flow
        for (const c of this.components) if (c.mood !== 'sad') c.setMood('sad', failure.getErrorMessage());
        if (this.pipe === pipeline) this.scheduleRestart();
        return failure;
      },
    ) as Deferred<void>;
  }

  private teardown(): Deferred<void> {
    const pipeline = this.pipe;
    return new DeferredList(this.components.map((c) => c.stop()), { consumeErrors: true })
      .addCallback(() => (pipeline === null ? succeed(undefined) : pipeline.dispose()))
      .addCallback(() => {
        this.subscription?.unsubscribe();
        this.subscription = null;
      });
  }

  private scheduleRestart(): void {
    const policy = this.policy;
    if (policy === null || this.stopping !== null || policy.scheduled) return;
    const delay = policy.failed(() => {
      if (this.stopping !== null) return;
      this.teardown().addCallback(() => {
        if (this.stopping !== null) return;
        for (const c of this.components) c.setMood('waking', `restart ${policy.attempts}`);
        this.run().addErrback(() => null);
      });
    });
    if (delay === null) getLogger().error('flow failed too often: not restarting it', { attempts: policy.attempts - 1 });
    else getLogger().warn('restarting the flow', { attempt: policy.attempts, delaySeconds: delay });
  }

  private onMessage(m: BusMessage): void {
    if (m.type === 'warning') getLogger().warn('pipeline warning', { element: m.sourceName, error: m.error });
    if (m.type !== 'error') return;
    const owner = elementOwner(this.components, m.sourceName);
    const affected = owner === null ? this.components : [owner];
    getLogger().error('pipeline error', { element: m.sourceName, components: affected.map((c) => c.name), error: m.error });
    for (const c of affected) c.setMood('sad', m.error?.message ?? 'pipeline error');
    this.scheduleRestart();
  }
}
