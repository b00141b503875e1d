/**
 * `Component`: Flumotion's unit of work. A component has a name, a mood (waking → happy, or
 * hungry while it waits for data, or sad after an error) published as an RxJS BehaviorSubject
 * and logged on every change, a pipeline fragment (a gst-launch description whose elements are
 * all named `<name>-…`), eaters (the feeds it consumes, `component:feed`) and feeders (the feeds it
 * produces, each ending in a tee named `<name>-<feed>` so any number of consumers can branch off
 * it, each through its own queue). A {@link Flow} joins the fragments into one pipeline.
 * Tests: test/components/component.test.ts.
 */
import { BehaviorSubject, type Observable } from 'rxjs';
import { succeed, type Deferred } from '../defer/deferred';
import type { ReactorTime } from '../defer/time';
import type { GstReactor } from '../gst/host';
import type { Pipeline } from '../gst/pipeline';
import { getLogger } from '../log';
import { ComponentError } from './errors';

/** Flumotion's moods: starting up, working, waiting for data, broken. */
export type Mood = 'waking' | 'happy' | 'hungry' | 'sad';

/** Every mood, in the order metrics and pages list them. */
export const MOODS: readonly Mood[] = ['waking', 'happy', 'hungry', 'sad'];

/** What a component reports in `/stats`. */
export interface ComponentStats {
  readonly name: string;
  readonly kind: string;
  readonly mood: Mood;
  readonly [extra: string]: unknown;
}

/** What a component gets when its pipeline exists (before it plays). */
export interface AttachContext {
  readonly pipeline: Pipeline;
  readonly time: ReactorTime;
  /** The reactor the flow runs on (for components that make pipelines of their own). */
  readonly reactor: GstReactor;
}

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** Checks a component name: lower-case letters, digits and dashes, starting with a letter. */
export function componentNameProblem(name: string): string | null {
  return NAME.test(name) ? null : `'${name}' is not a component name (lower-case letters, digits and dashes, starting with a letter)`;
}

/** Base class of every component. */
export abstract class Component {
  /** The kind (`test-source`, `vp8-encoder`, `http-streamer`, …). */
  abstract readonly kind: string;
  /** The feeds it produces (a tee `<name>-<feed>` each). */
  abstract readonly feeders: readonly string[];
  /** The mood now and every change after, as an Observable (replays the current mood). */
  readonly mood$: Observable<Mood>;
  private readonly moodSubject = new BehaviorSubject<Mood>('waking');
  private moodReason = '';

  /**
   * @param name unique in a flow; names every element of the fragment
   * @param eaters the feeds consumed, `component:feed` (or `component` for its only feed)
   */
  constructor(readonly name: string, readonly eaters: readonly string[] = []) {
    const problem = componentNameProblem(name);
    if (problem !== null) throw new ComponentError(problem);
    this.mood$ = this.moodSubject.asObservable();
  }

  /** The current mood. */
  get mood(): Mood {
    return this.moodSubject.value;
  }

  /** Why the mood is what it is (empty when there is nothing to say). */
  get moodDetail(): string {
    return this.moodReason;
  }

  /**
   * Changes the mood, logs it, and tells `mood$` subscribers. Setting the mood it already has only
   * replaces the reason (when one is given), silently: a second failure while sad names itself.
   */
  setMood(mood: Mood, reason = ''): void {
    const from = this.mood;
    if (from === mood) {
      if (reason !== '') this.moodReason = reason;
      return;
    }
    this.moodReason = reason;
    const fields = { component: this.name, kind: this.kind, from, to: mood, ...(reason === '' ? {} : { reason }) };
    if (mood === 'sad') getLogger().warn('component mood', fields);
    else getLogger().info('component mood', fields);
    this.moodSubject.next(mood);
  }

  /** The element name of a feed's tee. */
  feedElement(feed: string): string {
    return `${this.name}-${feed}`;
  }

  /** True if the named pipeline element belongs to this component. */
  ownsElement(elementName: string): boolean {
    return elementName === this.name || elementName.startsWith(`${this.name}-`);
  }

  /**
   * The gst-launch fragment. `inputs[i]` is the tee element carrying `eaters[i]`: start a branch
   * with `<input>. ! queue ! …`. End each feeder with `! tee name=<feedElement(feed)>`.
   */
  abstract fragment(inputs: readonly string[]): string;

  /**
   * Called once the pipeline is made, before it plays (e.g. to attach an FdSink). A Deferred
   * result delays playing until it fires (a failure fails the run).
   */
  attach(_context: AttachContext): void | Deferred<void> {
    // Most components have nothing to attach.
  }

  /** Called when the pipeline plays; the default turns happy. */
  start(): Deferred<void> {
    this.setMood('happy');
    return succeed(undefined);
  }

  /** Called before the pipeline is torn down. */
  stop(): Deferred<void> {
    return succeed(undefined);
  }

  /** The component's line in `/stats`. */
  stats(): ComponentStats {
    return { name: this.name, kind: this.kind, mood: this.mood, ...(this.moodReason === '' ? {} : { moodDetail: this.moodReason }) };
  }

  /** Completes `mood$`. */
  dispose(): void {
    this.moodSubject.complete();
  }
}

/** `<input>. ! queue <props>` — the head of a branch off a tee. */
export function branch(input: string, queueProps = ''): string {
  return `${input}. ! queue${queueProps === '' ? '' : ` ${queueProps}`}`;
}

/** `tee name=<element> allow-not-linked=true` — the tail of a feeder. */
export function feederTee(element: string): string {
  return `tee name=${element} allow-not-linked=true`;
}
