/**
 * One error hierarchy for the whole library (STYLE.md rule 7).
 *
 * Every error Torsion raises is a {@link TorsionError} with a stable `code` (`TORSION_ERR_*`), listed
 * in docs/errors.md. Area-specific subclasses live beside their area (`src/defer/errors.ts`,
 * `src/gdp/errors.ts`, …) and all extend this base; the cross-layer ones (connection state) are
 * here. Tests: test/errors.test.ts.
 */

/** Options accepted by every Torsion error constructor. */
export interface TorsionErrorOptions {
  /** The underlying error, if any (kept as the standard `cause`). */
  readonly cause?: unknown;
}

/** Base class of every error Torsion raises. `code` is stable across releases. */
export class TorsionError extends Error {
  /** The stable code; subclasses override it. */
  readonly code: string = 'TORSION_ERR_GENERIC';

  constructor(message?: string, options?: TorsionErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    // Format the stack now (about 5 µs). V8 otherwise keeps the raw call sites, receivers
    // included, until `stack` is first read: a GstError kept in a log record or in user code held
    // on to the Pipeline whose method made it, and with it the pipeline's fds.
    void this.stack;
  }
}

/** A connection was closed cleanly (Twisted's `ConnectionDone`). */
export class ConnectionDone extends TorsionError {
  override readonly code: string = 'TORSION_ERR_CONNECTION_DONE';
  constructor(message = 'Connection was closed cleanly.', options?: TorsionErrorOptions) {
    super(message, options);
  }
}

/** A connection was lost in a non-clean fashion (Twisted's `ConnectionLost`). */
export class ConnectionLost extends TorsionError {
  override readonly code: string = 'TORSION_ERR_CONNECTION_LOST';
  constructor(message = 'Connection to the other side was lost in a non-clean fashion.', options?: TorsionErrorOptions) {
    super(message, options);
  }
}

/** Type guard for Torsion errors (also true for subclasses). */
export function isTorsionError(value: unknown): value is TorsionError {
  return value instanceof TorsionError;
}
