/**
 * Errors raised by the Deferred layer (`torsion/defer`). Every class extends {@link TorsionError} and
 * has a stable `code`, listed under "Deferreds" in docs/errors.md. Tests: test/defer/errors.test.ts.
 */
import { TorsionError, type TorsionErrorOptions } from '../errors';
import type { Failure } from './failure';

/** `callback()`/`errback()` was called on a Deferred that already has a result. */
export class AlreadyCalledError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_ALREADY_CALLED';
  constructor(message = 'Deferred has already been called.', options?: TorsionErrorOptions) {
    super(message, options);
  }
}

/** The Deferred was cancelled (`cancel()` without a canceller that fired it). */
export class CancelledError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_CANCELLED';
  constructor(message = 'Deferred was cancelled.', options?: TorsionErrorOptions) {
    super(message, options);
  }
}

/** `addTimeout` expired: the Deferred was cancelled and its CancelledError translated. */
export class TimeoutError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_TIMEOUT';
  /** The timeout that expired, in seconds (`NaN` when not known). */
  readonly seconds: number;
  constructor(seconds = Number.NaN, message?: string, options?: TorsionErrorOptions) {
    super(message ?? (Number.isNaN(seconds) ? 'Deferred timed out.' : `Deferred timed out after ${seconds} s.`), options);
    this.seconds = seconds;
  }
}

/** The first failure of a `DeferredList({fireOnOneErrback})` or `gatherResults`. */
export class FirstError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_FIRST_ERROR';
  constructor(readonly subFailure: Failure, readonly index: number) {
    super(`FirstError[#${index}, ${subFailure.toString()}]`, { cause: subFailure.value });
  }

  /** Twisted compares FirstErrors by (index, sub-failure). */
  equals(other: unknown): boolean {
    return other instanceof FirstError && other.index === this.index && other.subFailure === this.subFailure;
  }
}

/** Every input of `race()` failed; `failures` are in input order. */
export class FailureGroup extends TorsionError {
  override readonly code: string = 'TORSION_ERR_FAILURE_GROUP';
  constructor(readonly failures: readonly Failure[]) {
    super(`All ${failures.length} raced Deferreds failed.`);
  }
}

/** `DeferredQueue.put` with more than `size` items pending. */
export class QueueOverflow extends TorsionError {
  override readonly code: string = 'TORSION_ERR_QUEUE_OVERFLOW';
  constructor(message = 'DeferredQueue is full.', options?: TorsionErrorOptions) {
    super(message, options);
  }
}

/** `DeferredQueue.get` with more than `backlog` gets already waiting. */
export class QueueUnderflow extends TorsionError {
  override readonly code: string = 'TORSION_ERR_QUEUE_UNDERFLOW';
  constructor(message = 'DeferredQueue has too many waiting gets.', options?: TorsionErrorOptions) {
    super(message, options);
  }
}

/** A callback returned the very Deferred it was attached to (Twisted warns and then hangs). */
export class CircularChainError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_CIRCULAR_CHAIN';
  constructor(message = 'Callback returned the Deferred it was attached to; this breaks the callback chain.') {
    super(message);
  }
}

/** `ensureDeferred`/`fromCoroutine`/`inlineCallbacks` got something that is not a generator, thenable or Deferred. */
export class NotACoroutineError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_NOT_A_COROUTINE';
}

/** A Deferred-layer function was called with an invalid argument (Twisted raises ValueError/TypeError). */
export class DeferredArgumentError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_DEFER_INVALID_ARGUMENT';
}
