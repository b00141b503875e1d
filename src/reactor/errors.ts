/**
 * Reactor-level errors (Twisted's `twisted.internet.error`). Tests: test/reactor/errors.test.ts and
 * the conformance suite.
 */
import { TorsionError } from '../errors';

/** `cancel()`/`delay()`/`reset()` on a delayed call that has already run. */
export class AlreadyCalled extends TorsionError {
  override readonly code: string = 'TORSION_ERR_CALL_ALREADY_CALLED';
  constructor(message = 'The delayed call has already been called.') {
    super(message);
  }
}

/** `cancel()`/`delay()`/`reset()` on a delayed call that has already been cancelled. */
export class AlreadyCancelled extends TorsionError {
  override readonly code: string = 'TORSION_ERR_CALL_ALREADY_CANCELLED';
  constructor(message = 'The delayed call has already been cancelled.') {
    super(message);
  }
}
