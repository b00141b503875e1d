/** Tests for src/defer/guards.ts. */
import { describe, expect, it } from 'vitest';
import { isGenerator, isThenable, succeed } from 'torsion/defer';

describe('guards', () => {
  it('isThenable accepts Promises, Deferreds and objects or functions with a callable then', () => {
    expect(isThenable(Promise.resolve())).toBe(true);
    expect(isThenable(succeed(1))).toBe(true);
    expect(isThenable({ then: () => undefined })).toBe(true);
    expect(isThenable(Object.assign(() => undefined, { then: () => undefined }))).toBe(true);
    expect(isThenable({ then: 1 })).toBe(false);
    expect(isThenable(null)).toBe(false);
    expect(isThenable('then')).toBe(false);
  });

  it('isGenerator accepts generator objects only', () => {
    function* g(): Generator<number> {
      yield 1;
    }
    expect(isGenerator(g())).toBe(true);
    expect(isGenerator(g)).toBe(false);
    expect(isGenerator([1, 2][Symbol.iterator]())).toBe(false);
    expect(isGenerator({ next: () => 0, throw: () => 0, return: () => 0 })).toBe(true);
    expect(isGenerator(null)).toBe(false);
  });
});
