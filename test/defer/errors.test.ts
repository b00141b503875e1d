/** Tests for src/defer/errors.ts: every Deferred error is a TorsionError with its stable code. */
import { describe, expect, it } from 'vitest';
import { TorsionError } from 'torsion';
import {
  AlreadyCalledError, CancelledError, CircularChainError, DeferredArgumentError, Failure, FailureGroup, FirstError,
  NonErrorReason, NotACoroutineError, QueueOverflow, QueueUnderflow, TimeoutError,
} from 'torsion/defer';

describe('Deferred errors', () => {
  const cases: Array<[TorsionError, string, string]> = [
    [new AlreadyCalledError(), 'AlreadyCalledError', 'TORSION_ERR_ALREADY_CALLED'],
    [new CancelledError(), 'CancelledError', 'TORSION_ERR_CANCELLED'],
    [new TimeoutError(5), 'TimeoutError', 'TORSION_ERR_TIMEOUT'],
    [new FirstError(new Failure(new Error('x')), 0), 'FirstError', 'TORSION_ERR_FIRST_ERROR'],
    [new FailureGroup([]), 'FailureGroup', 'TORSION_ERR_FAILURE_GROUP'],
    [new QueueOverflow(), 'QueueOverflow', 'TORSION_ERR_QUEUE_OVERFLOW'],
    [new QueueUnderflow(), 'QueueUnderflow', 'TORSION_ERR_QUEUE_UNDERFLOW'],
    [new NonErrorReason('r'), 'NonErrorReason', 'TORSION_ERR_NON_ERROR_REASON'],
    [new CircularChainError(), 'CircularChainError', 'TORSION_ERR_CIRCULAR_CHAIN'],
    [new NotACoroutineError('n'), 'NotACoroutineError', 'TORSION_ERR_NOT_A_COROUTINE'],
    [new DeferredArgumentError('a'), 'DeferredArgumentError', 'TORSION_ERR_DEFER_INVALID_ARGUMENT'],
  ];
  for (const [error, name, code] of cases) {
    it(`${name} is a TorsionError with code ${code}`, () => {
      expect(error).toBeInstanceOf(TorsionError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(error.message.length).toBeGreaterThan(0);
    });
  }

  it('keep a cause when given one', () => {
    const cause = new Error('root');
    expect(new CancelledError('c', { cause }).cause).toBe(cause);
    expect(new TimeoutError(1, 'm', { cause }).cause).toBe(cause);
  });

  it('FailureGroup keeps its failures and counts them in the message', () => {
    const fs = [new Failure(new Error('a')), new Failure(new Error('b'))];
    const g = new FailureGroup(fs);
    expect(g.failures).toBe(fs);
    expect(g.message).toBe('All 2 raced Deferreds failed.');
  });

  it('NonErrorReason describes odd reasons without throwing', () => {
    expect(new NonErrorReason(42).message).toBe('42');
    const hostile = { toString: (): string => { throw new Error('no'); } };
    expect(new NonErrorReason(hostile).message).toBe('[object Object]');
    expect(new NonErrorReason(hostile).reason).toBe(hostile);
  });
});
