/** Tests for src/defer/deferred-queue.ts ([D59], [D60]). */
import { describe, expect, it } from 'vitest';
import { CancelledError, DeferredQueue, Failure, QueueOverflow, QueueUnderflow } from 'torsion/defer';

describe('DeferredQueue', () => {
  it('[D59] gets before puts are queued and satisfied in order; backlog and size are enforced', () => {
    const N = 2;
    const M = 2;
    const queue = new DeferredQueue<number>(N, M);
    let gotten: number[] = [];
    for (let i = 0; i < M; i++) queue.get().addCallback((v) => gotten.push(v));
    expect(() => queue.get()).toThrow(QueueUnderflow);
    for (let i = 0; i < M; i++) {
      queue.put(i);
      expect(gotten).toEqual(Array.from({ length: i + 1 }, (_, k) => k));
    }
    for (let i = 0; i < N; i++) {
      queue.put(N + i);
      expect(gotten).toEqual([0, 1]);
    }
    expect(() => queue.put(99)).toThrow(QueueOverflow);
    gotten = [];
    for (let i = 0; i < N; i++) {
      queue.get().addCallback((v) => gotten.push(v));
      expect(gotten).toEqual(Array.from({ length: i + 1 }, (_, k) => N + k));
    }
  });

  it('[D59] unbounded by default', () => {
    const queue = new DeferredQueue<number>();
    const gotten: number[] = [];
    for (let i = 0; i < 100; i++) queue.get().addCallback((v) => gotten.push(v));
    for (let i = 0; i < 100; i++) queue.put(i);
    for (let i = 0; i < 100; i++) queue.put(i);
    expect(gotten).toHaveLength(100);
    expect(queue.pending).toHaveLength(100);
  });

  it('[D59] size=0 overflows on the first put without a waiter; backlog=0 underflows on the first get', () => {
    expect(() => new DeferredQueue<number>(0).put(1)).toThrow(QueueOverflow);
    expect(() => new DeferredQueue<number>(undefined, 0).get()).toThrow(QueueUnderflow);
    const direct = new DeferredQueue<number>(0);
    let got: number | undefined;
    direct.get().addCallback((v) => {
      got = v;
    });
    direct.put(7); // a waiting get takes it even with size 0
    expect(got).toBe(7);
  });

  it('[D60] cancelling a pending get fails it with CancelledError, and a later put does not fire it', () => {
    const queue = new DeferredQueue<number>();
    const d = queue.get();
    d.cancel();
    let failure: Failure | undefined;
    d.addErrback((f: Failure) => {
      failure = f;
    });
    expect(failure?.value).toBeInstanceOf(CancelledError);
    expect(queue.waiting).toHaveLength(0);
    queue.put(1);
    expect(queue.pending).toEqual([1]);
  });

  it('[D60] cancelling a get that already has its value does nothing', () => {
    const queue = new DeferredQueue<number>();
    queue.put(1);
    const d = queue.get();
    d.cancel();
    expect(d.result).toBe(1);
  });
});
