/**
 * Type guards shared by the Deferred helpers: thenables and generators.
 * Tests: test/defer/guards.test.ts.
 */

/** True for any object or function with a callable `then` (a Promise or another thenable). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null &&
    typeof (value as { then?: unknown }).then === 'function';
}

/** True for a generator object (an iterator with `next`, `throw` and `return`). */
export function isGenerator(value: unknown): value is Generator<unknown, unknown, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const g = value as { next?: unknown; throw?: unknown; return?: unknown };
  return typeof g.next === 'function' && typeof g.throw === 'function' && typeof g.return === 'function';
}
