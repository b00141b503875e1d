/**
 * RxJS errors with nowhere to go. RxJS 7 catches a throw from a subscriber's `next` (and an `error`
 * notification nobody subscribed to handle) and reports it on a later turn through
 * `config.onUnhandledError`; when that is unset it rethrows from a `setTimeout`, an uncaught
 * exception that ends the process (measured on both reactors: one throwing `mood$` subscriber
 * killed `torsion serve`). A running reactor therefore routes such errors to the Torsion logger,
 * unless the application installed its own handler first. It stays installed once set (a report
 * queued before a stop still arrives after it). Tests: test/reliability/user-exceptions.test.ts.
 */
import { config } from 'rxjs';
import { getLogger } from '../log';

/** The handler Torsion installs (exported so tests can tell it from an application's). */
export function logUnhandledRxError(error: unknown): void {
  try {
    getLogger().error('Unhandled error in an RxJS subscriber', { error });
  } catch {
    // a logger must not throw; if it does, never turn it into an uncaught exception
  }
}

/** Routes RxJS's unhandled errors to the logger unless the application already handles them. */
export function installRxErrorReporting(): void {
  if (config.onUnhandledError === null) config.onUnhandledError = logUnhandledRxError;
}
