/** Tests for src/defer/failure.ts. */
import { describe, expect, it } from 'vitest';
import { CancelledError, Failure, NonErrorReason, TimeoutError } from 'torsion/defer';
import { TorsionError } from 'torsion';

describe('Failure', () => {
  it('keeps an Error as its value and wraps anything else in NonErrorReason', () => {
    const e = new RangeError('bad');
    expect(new Failure(e).value).toBe(e);
    const s = new Failure('boom');
    expect(s.value).toBeInstanceOf(NonErrorReason);
    expect((s.value as NonErrorReason).reason).toBe('boom');
    expect(s.getErrorMessage()).toBe('boom');
    const none = new Failure();
    expect(none.value).toBeInstanceOf(NonErrorReason);
    expect((none.value as NonErrorReason).reason).toBeUndefined();
    expect(none.getErrorMessage()).toMatch(/without a reason/);
  });

  it('Failure.from returns an existing Failure unchanged; new Failure(failure) shares its value', () => {
    const f = new Failure(new Error('x'));
    expect(Failure.from(f)).toBe(f);
    expect(new Failure(f).value).toBe(f.value);
    expect(Failure.from(new Error('y'))).toBeInstanceOf(Failure);
  });

  it('check returns the first matching class or null (subclasses match their bases)', () => {
    const f = new Failure(new CancelledError());
    expect(f.check(TimeoutError, CancelledError)).toBe(CancelledError);
    expect(f.check(TorsionError)).toBe(TorsionError);
    expect(f.check(Error)).toBe(Error);
    expect(f.check(RangeError, TimeoutError)).toBeNull();
    expect(f.check()).toBeNull();
    expect(f.type).toBe(CancelledError);
  });

  it('trap returns the match, else rethrows the original value', () => {
    const e = new TypeError('nope');
    const f = new Failure(e);
    expect(f.trap(RangeError, TypeError)).toBe(TypeError);
    let thrown: unknown;
    try {
      f.trap(RangeError);
    } catch (caught) {
      thrown = caught;
    }
    expect(thrown).toBe(e);
  });

  it('raiseException throws the value; getTraceback is the stack; toString and toJSON describe it', () => {
    const e = new Error('kaput');
    const f = new Failure(e);
    expect(() => f.raiseException()).toThrow(e);
    expect(f.getTraceback()).toBe(e.stack);
    expect(String(f)).toBe('[Failure Error: kaput]');
    const c = new Failure(new CancelledError());
    expect(c.toJSON()).toMatchObject({ name: 'CancelledError', code: 'TORSION_ERR_CANCELLED' });
    const stackless = new Error('s');
    delete stackless.stack;
    expect(new Failure(stackless).getTraceback()).toBe('Error: s');
  });
});
