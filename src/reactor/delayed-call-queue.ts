/**
 * The delayed-call heap shared by every reactor and by `Clock` (torsion/testing): a binary min-heap
 * ordered by (time, insertion sequence), with O(log n) cancel/delay/reset. A real reactor drives it
 * with one Node timer armed for the earliest call (never one GLib source per call, PITFALLS 4).
 * Tests: test/reactor/delayed-call-queue.test.ts.
 */
import type { DelayedCall } from '../defer/time';
import { AlreadyCalled, AlreadyCancelled } from './errors';

/** One scheduled call; the object users hold as a `DelayedCall`. */
export class ScheduledCall implements DelayedCall {
  called = false;
  cancelled = false;
  /** Position in the heap, or -1 when not in it. */
  heapIndex = -1;
  /** Tie-breaker: calls with equal times run in scheduling order. */
  seq: number;

  constructor(
    private readonly queue: DelayedCallQueue,
    public time: number,
    readonly fn: (...args: never[]) => unknown,
    readonly args: readonly unknown[],
    seq: number,
  ) {
    this.seq = seq;
  }

  getTime(): number {
    return this.time;
  }

  active(): boolean {
    return !(this.called || this.cancelled);
  }

  cancel(): void {
    this.checkActive();
    this.cancelled = true;
    this.queue.remove(this);
  }

  delay(seconds: number): void {
    this.checkActive();
    this.queue.reschedule(this, this.time + seconds);
  }

  reset(seconds: number): void {
    this.checkActive();
    this.queue.reschedule(this, this.queue.now() + seconds);
  }

  toString(): string {
    const state = this.called ? 'called' : this.cancelled ? 'cancelled' : `at ${this.time}`;
    return `<DelayedCall ${this.fn.name || 'anonymous'} ${state}>`;
  }

  private checkActive(): void {
    if (this.cancelled) throw new AlreadyCancelled();
    if (this.called) throw new AlreadyCalled();
  }
}

/** Options for {@link DelayedCallQueue}. */
export interface DelayedCallQueueOptions {
  /** The current time, in seconds. */
  readonly now: () => number;
  /** Called whenever the earliest pending time may have changed (to re-arm a timer). */
  readonly onChange?: () => void;
}

/** A min-heap of {@link ScheduledCall}s. */
export class DelayedCallQueue {
  private readonly heap: ScheduledCall[] = [];
  private nextSeq = 0;
  readonly now: () => number;
  private readonly onChange: (() => void) | undefined;

  constructor(options: DelayedCallQueueOptions) {
    this.now = options.now;
    this.onChange = options.onChange;
  }

  /** Number of pending calls. */
  get size(): number {
    return this.heap.length;
  }

  /** Schedules `fn(...args)` to run `delaySeconds` from now. */
  schedule<A extends unknown[]>(delaySeconds: number, fn: (...args: A) => unknown, args: A): ScheduledCall {
    if (typeof delaySeconds !== 'number' || Number.isNaN(delaySeconds)) {
      throw new TypeError(`callLater delay must be a number of seconds, got ${String(delaySeconds)}`);
    }
    if (typeof fn !== 'function') throw new TypeError('callLater needs a function');
    const call = new ScheduledCall(this, this.now() + Math.max(0, delaySeconds),
      fn as (...args: never[]) => unknown, args, this.nextSeq++);
    this.push(call);
    this.onChange?.();
    return call;
  }

  /** The time of the earliest pending call, or undefined when none is pending. */
  nextTime(): number | undefined {
    return this.heap[0]?.time;
  }

  /** The pending calls, in heap order. */
  pending(): ScheduledCall[] {
    return this.heap.slice();
  }

  /**
   * Runs every call due at `now`, in time order. With `includeNew` (Clock's behaviour), calls
   * scheduled by those calls run too when already due; without it (a real reactor's), they wait for
   * the next turn so a zero-delay loop cannot starve I/O. Errors go to `onError`, or propagate.
   * Returns the number of calls run.
   */
  runDue(now: number, includeNew: boolean, onError?: (error: unknown, call: ScheduledCall) => void): number {
    const limitSeq = includeNew ? Number.POSITIVE_INFINITY : this.nextSeq;
    let ran = 0;
    for (;;) {
      const top = this.heap[0];
      // At equal times older calls sort first, so a new call on top means no older one is due.
      if (top === undefined || top.time > now || top.seq >= limitSeq) break;
      this.popTop();
      top.called = true;
      ran++;
      this.invoke(top, onError);
    }
    if (ran > 0) this.onChange?.();
    return ran;
  }

  /** Removes a call (used by `cancel`). */
  remove(call: ScheduledCall): void {
    this.detach(call);
    this.onChange?.();
  }

  /** Moves a pending call to a new absolute time (used by `delay`/`reset`). */
  reschedule(call: ScheduledCall, time: number): void {
    this.detach(call);
    call.time = time;
    call.seq = this.nextSeq++;
    this.push(call);
    this.onChange?.();
  }

  private detach(call: ScheduledCall): void {
    const i = call.heapIndex;
    if (i < 0) return;
    const last = this.heap.pop() as ScheduledCall;
    call.heapIndex = -1;
    if (i < this.heap.length) {
      this.heap[i] = last;
      last.heapIndex = i;
      this.siftDown(i);
      this.siftUp(last.heapIndex);
    }
  }

  private invoke(call: ScheduledCall, onError?: (error: unknown, call: ScheduledCall) => void): void {
    if (onError === undefined) {
      (call.fn as (...args: unknown[]) => unknown)(...call.args);
      return;
    }
    try {
      (call.fn as (...args: unknown[]) => unknown)(...call.args);
    } catch (error) {
      onError(error, call);
    }
  }

  private push(call: ScheduledCall): void {
    call.heapIndex = this.heap.length;
    this.heap.push(call);
    this.siftUp(call.heapIndex);
  }

  private popTop(): void {
    this.detach(this.heap[0] as ScheduledCall);
  }

  private less(a: ScheduledCall, b: ScheduledCall): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    let i = index;
    const item = heap[i] as ScheduledCall;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex] as ScheduledCall;
      if (!this.less(item, parent)) break;
      heap[i] = parent;
      parent.heapIndex = i;
      i = parentIndex;
    }
    heap[i] = item;
    item.heapIndex = i;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const n = heap.length;
    let i = index;
    const item = heap[i] as ScheduledCall;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let child = l;
      if (r < n && this.less(heap[r] as ScheduledCall, heap[l] as ScheduledCall)) child = r;
      const c = heap[child] as ScheduledCall;
      if (!this.less(c, item)) break;
      heap[i] = c;
      c.heapIndex = i;
      i = child;
    }
    heap[i] = item;
    item.heapIndex = i;
  }
}
