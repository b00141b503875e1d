/**
 * Errors of the HTTP hand-off: each carries the status code the server answers with.
 * Tests: test/protocols/http/request-head.test.ts.
 */
import { TorsionError, type TorsionErrorOptions } from '../../errors';

/** Base of the HTTP hand-off errors; `status` is the HTTP status to answer with. */
export class HttpError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_HTTP';
  readonly status: number = 500;
}

/** The request head is not valid HTTP/1.x (answered with 400). */
export class HttpBadRequest extends HttpError {
  override readonly code: string = 'TORSION_ERR_HTTP_BAD_REQUEST';
  override readonly status: number = 400;
  /** llhttp's error code, e.g. `HPE_INVALID_METHOD`, when the parser gave one. */
  readonly parserCode: string | undefined;
  constructor(message: string, parserCode?: string, options?: TorsionErrorOptions) {
    super(message, options);
    this.parserCode = parserCode;
  }
}

/** The request head grew past the configured limit (answered with 431). */
export class HttpHeadTooLarge extends HttpError {
  override readonly code: string = 'TORSION_ERR_HTTP_HEAD_TOO_LARGE';
  override readonly status: number = 431;
}
