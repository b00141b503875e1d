/**
 * Tests for Deferred.addTimeout (src/defer/deferred.ts) and src/defer/timeout.ts ([D49]–[D55]),
 * on the deterministic Clock from torsion/testing.
 */
import { describe, expect, it } from 'vitest';
import { CancelledError, Deferred, Failure, TimeoutError, cancelledToTimedOut } from 'torsion/defer';
import { Clock } from 'torsion/testing';
import { failureOf } from './helpers';

const override = (): string => 'OVERRIDDEN';

describe('addTimeout', () => {
  it('[D49] returns the same Deferred', () => {
    const clock = new Clock();
    const d = new Deferred<string>();
    expect(d.addTimeout(10, clock)).toBe(d);
    d.callback('x');
  });

  for (const custom of [false, true]) {
    const label = custom ? ' (custom onTimeoutCancel)' : '';
    const add = (d: Deferred<unknown>, clock: Clock): void => {
      if (custom) d.addTimeout(10, clock, override);
      else d.addTimeout(10, clock);
    };

    it(`[D50] a result before the timeout is delivered; the timer is cancelled and nothing is cancelled later${label}`, () => {
      const clock = new Clock();
      const d = new Deferred<unknown>();
      add(d, clock);
      const inner = new Deferred<unknown>();
      let got: unknown;
      d.addCallback((r: unknown) => {
        got = r;
        return inner;
      });
      d.callback('results');
      expect(got).toBe('results');
      expect(clock.getDelayedCalls()).toEqual([]);
      clock.advance(15);
      expect(inner.called).toBe(false);
    });

    it(`[D50] a failure before the timeout is delivered; nothing is cancelled later${label}`, () => {
      const clock = new Clock();
      const d = new Deferred<unknown>();
      add(d, clock);
      const inner = new Deferred<unknown>();
      const error = new RangeError('fail');
      let got: Failure | undefined;
      d.addErrback((f: Failure) => {
        got = f;
        return inner;
      });
      d.errback(error);
      expect(got?.value).toBe(error);
      expect(clock.getDelayedCalls()).toEqual([]);
      clock.advance(15);
      expect(inner.called).toBe(false);
    });

    it(`[D53] a manual cancel before the timeout keeps its CancelledError and is not repeated${label}`, () => {
      const clock = new Clock();
      const d = new Deferred<unknown>();
      add(d, clock);
      const inner = new Deferred<unknown>();
      let got: Failure | undefined;
      d.addErrback((f: Failure) => {
        got = f;
        return inner;
      });
      d.cancel();
      expect(got?.type).toBe(CancelledError);
      clock.advance(15);
      expect(inner.called).toBe(false);
    });
  }

  it('[D51] on timeout it is cancelled and the CancelledError becomes a TimeoutError', () => {
    const clock = new Clock();
    const d = new Deferred<unknown>();
    d.addTimeout(10, clock);
    clock.advance(9.999);
    expect(d.called).toBe(false);
    clock.advance(0.001);
    const f = failureOf(d);
    expect(f.value).toBeInstanceOf(TimeoutError);
    expect((f.value as TimeoutError).seconds).toBe(10);
    expect(f.getErrorMessage()).toBe('Deferred timed out after 10 s.');
  });

  it('[D51] a custom onTimeoutCancel decides the result, and receives the result and the timeout', () => {
    const clock = new Clock();
    const d = new Deferred<unknown>();
    const seen: unknown[] = [];
    d.addTimeout(10, clock, (result, seconds) => {
      seen.push((result as Failure).type, seconds);
      return 'OVERRIDDEN';
    });
    clock.advance(15);
    expect(d.result).toBe('OVERRIDDEN');
    expect(seen).toEqual([CancelledError, 10]);
  });

  it('[D52] a canceller given at construction decides the timed-out result (success)', () => {
    const clock = new Clock();
    const d = new Deferred<string>((c) => c.callback('I was cancelled!'));
    d.addTimeout(10, clock);
    clock.advance(15);
    expect(d.result).toBe('I was cancelled!');
  });

  it('[D52] … or a non-Cancelled failure, which passes through', () => {
    const clock = new Clock();
    const error = new RangeError('what!');
    const d = new Deferred<string>((c) => c.errback(error));
    d.addTimeout(10, clock);
    clock.advance(15);
    expect(failureOf(d).value).toBe(error);
  });

  it('[D52] a custom onTimeoutCancel also handles a Deferred with its own canceller', () => {
    const clock = new Clock();
    const d = new Deferred<string>((c) => c.errback(new RangeError('what!')));
    d.addTimeout(10, clock, override);
    clock.advance(15);
    expect(d.result).toBe('OVERRIDDEN');
  });

  it('[D54] errbacks added before addTimeout see the CancelledError; passed on it becomes TimeoutError', () => {
    const clock = new Clock();
    const d = new Deferred<unknown>();
    let seen: Failure | undefined;
    d.addErrback((f: Failure) => {
      seen = f;
      return f;
    });
    d.addTimeout(10, clock);
    clock.advance(15);
    expect(seen?.value).toBeInstanceOf(CancelledError);
    expect(failureOf(d).value).toBeInstanceOf(TimeoutError);
  });

  it('[D54] if such an errback suppresses the cancellation the Deferred succeeds', () => {
    const clock = new Clock();
    const d = new Deferred<unknown>();
    let seen: Failure | undefined;
    d.addErrback((f: Failure) => {
      seen = f;
      f.trap(CancelledError);
    });
    d.addTimeout(10, clock);
    clock.advance(15);
    expect(seen?.value).toBeInstanceOf(CancelledError);
    expect(d.called).toBe(true);
    expect(d.result).toBeUndefined();
  });

  it('[D54] with a custom onTimeoutCancel, it runs whether the errback passed or suppressed the error', () => {
    for (const suppress of [false, true]) {
      const clock = new Clock();
      const d = new Deferred<unknown>();
      d.addErrback((f: Failure) => (suppress ? undefined : f));
      d.addTimeout(10, clock, override);
      clock.advance(15);
      expect(d.result).toBe('OVERRIDDEN');
    }
  });

  it('[D55] callbacks added before addTimeout run when the canceller resumes the chain', () => {
    for (const custom of [false, true]) {
      const clock = new Clock();
      const d = new Deferred<string>((c) => c.callback('success'));
      let seen: string | undefined;
      d.addCallback((v: string) => {
        seen = v;
        return v;
      });
      if (custom) d.addTimeout(10, clock, override);
      else d.addTimeout(10, clock);
      clock.advance(15);
      expect(seen).toBe('success');
      expect(d.result).toBe(custom ? 'OVERRIDDEN' : 'success');
    }
  });
});

describe('cancelledToTimedOut', () => {
  it('turns CancelledError into TimeoutError and passes anything else through', () => {
    expect(() => cancelledToTimedOut(new Failure(new CancelledError()), 3)).toThrow(TimeoutError);
    const other = new RangeError('x');
    expect(() => cancelledToTimedOut(new Failure(other), 3)).toThrow(other);
    expect(cancelledToTimedOut('value', 3)).toBe('value');
  });

  it('TimeoutError without seconds has a generic message', () => {
    expect(new TimeoutError().message).toBe('Deferred timed out.');
    expect(new TimeoutError().code).toBe('TORSION_ERR_TIMEOUT');
  });
});
