/**
 * `Failure`: an error travelling down a Deferred's errback chain (Twisted's
 * `twisted.python.failure.Failure`). Its `value` is always an `Error`; any other reason (a string,
 * `undefined`, a rejected Promise's odd value) is wrapped in {@link NonErrorReason} (declared here,
 * beside the class that raises it, so that errors.ts can refer to Failure without an import cycle). There are no
 * Python tracebacks or frames here: the `Error`'s own `stack` plays that part.
 * Tests: test/defer/failure.test.ts.
 */
import { TorsionError } from '../errors';

/**
 * A Failure was made from something that is not an `Error` (`errback('boom')`, a Promise rejected
 * with a string, `errback()` with no reason). The original value is kept in `reason`.
 */
export class NonErrorReason extends TorsionError {
  override readonly code: string = 'TORSION_ERR_NON_ERROR_REASON';
  constructor(readonly reason: unknown) {
    super(reason === undefined ? 'errback() called without a reason.' : describe(reason));
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** A class of errors, as given to {@link Failure.check} and {@link Failure.trap}. */
export type ErrorClass<E extends Error = Error> = abstract new (...args: never[]) => E;

/** An error wrapped for the errback chain. */
export class Failure {
  /** The error itself (a {@link NonErrorReason} when the reason was not an `Error`). */
  readonly value: Error;

  constructor(reason?: unknown) {
    this.value = reason instanceof Failure ? reason.value : reason instanceof Error ? reason : new NonErrorReason(reason);
  }

  /** `reason` itself when it is already a Failure, else a new Failure wrapping it. */
  static from(reason: unknown): Failure {
    return reason instanceof Failure ? reason : new Failure(reason);
  }

  /** The class of `value` (Twisted's `Failure.type`). */
  get type(): ErrorClass {
    return this.value.constructor as ErrorClass;
  }

  /** The first of `errorClasses` that `value` is an instance of, or `null`. */
  check<C extends ErrorClass[]>(...errorClasses: C): C[number] | null {
    for (const cls of errorClasses) {
      if (this.value instanceof cls) return cls;
    }
    return null;
  }

  /**
   * Like {@link check}, but when nothing matches it rethrows `value` — so in an errback,
   * `failure.trap(CancelledError)` lets every other error continue down the chain.
   */
  trap<C extends ErrorClass[]>(...errorClasses: C): C[number] {
    const found = this.check(...errorClasses);
    if (found === null) throw this.value;
    return found;
  }

  /** The error's message (Twisted: `str(value)`). */
  getErrorMessage(): string {
    return this.value.message;
  }

  /** The error's stack, or its name and message when it has none. */
  getTraceback(): string {
    return this.value.stack ?? `${this.value.name}: ${this.value.message}`;
  }

  /** Throw `value`. */
  raiseException(): never {
    throw this.value;
  }

  toString(): string {
    return `[Failure ${this.value.name}: ${this.value.message}]`;
  }

  /** For structured logs: the error's name, message, code and stack. */
  toJSON(): Record<string, unknown> {
    const code = (this.value as { code?: unknown }).code;
    return { name: this.value.name, message: this.value.message, ...(code === undefined ? {} : { code }), stack: this.value.stack };
  }
}
