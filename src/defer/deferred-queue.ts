/**
 * `DeferredQueue`: a queue whose `get()` returns a Deferred. Gets made before puts wait in order;
 * `size` bounds the items pending and `backlog` the gets waiting (unbounded when omitted).
 * A pending get can be cancelled (CancelledError; a later put goes to the next waiter or the
 * queue). Tests: test/defer/deferred-queue.test.ts.
 */
import { Deferred, succeed } from './deferred';
import { QueueOverflow, QueueUnderflow } from './errors';

export class DeferredQueue<T = unknown> {
  /** Gets waiting for an item, first first. */
  readonly waiting: Deferred<T>[] = [];
  /** Items waiting for a get, first first. */
  readonly pending: T[] = [];

  constructor(readonly size?: number, readonly backlog?: number) {}

  /** Hand `obj` to the first waiting get, or queue it; {@link QueueOverflow} when `size` items are already queued. */
  put(obj: T): void {
    const waiter = this.waiting.shift();
    if (waiter !== undefined) {
      waiter.callback(obj);
    } else if (this.size === undefined || this.pending.length < this.size) {
      this.pending.push(obj);
    } else {
      throw new QueueOverflow();
    }
  }

  /** A Deferred of the next item; {@link QueueUnderflow} when `backlog` gets are already waiting. */
  get(): Deferred<T> {
    if (this.pending.length > 0) return succeed(this.pending.shift() as T);
    if (this.backlog === undefined || this.waiting.length < this.backlog) {
      const d = new Deferred<T>((pending) => {
        const at = this.waiting.indexOf(pending);
        if (at >= 0) this.waiting.splice(at, 1);
      });
      this.waiting.push(d);
      return d;
    }
    throw new QueueUnderflow();
  }
}
