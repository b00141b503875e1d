/**
 * Errors of the porter (one public port in front of several streamer processes).
 * Tests: test/protocols/porter/porter-protocol.test.ts, test/protocols/porter/request-line.test.ts.
 */
import { TorsionError } from '../../errors';
import { HttpError } from '../http/errors';

/** Base of the porter errors; also raised for a misuse (a streamer not started by a porter). */
export class PorterError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_PORTER';
}

/** A connection could not be passed to its streamer (the streamer is gone or its channel failed). */
export class PorterPassFailed extends PorterError {
  override readonly code: string = 'TORSION_ERR_PORTER_PASS_FAILED';
}

/** The request line is longer than the porter's limit (answered with 414). */
export class RequestLineTooLong extends HttpError {
  override readonly code: string = 'TORSION_ERR_PORTER_LINE_TOO_LONG';
  override readonly status: number = 414;
}
