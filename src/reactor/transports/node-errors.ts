/**
 * Maps Node's socket errors (`err.code`) to the typed reactor errors: connect failures to
 * `ConnectionRefusedError`, `ConnectTimeout`, `DNSLookupError` or `ConnectError`; losses of an
 * established connection to `ConnectionReset` or `ConnectionLost`. Tests: test/reactor/transport-helpers.test.ts.
 */
import { ConnectionLost } from '../../errors';
import { ConnectError, ConnectionRefusedError, ConnectionReset, ConnectTimeout, DNSLookupError } from '../errors';

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);

/** A failed connection attempt to `host`. */
export function connectError(error: unknown, host: string): ConnectError {
  const code = codeOf(error);
  if (code === 'ECONNREFUSED' || code === 'ENOENT') {
    return new ConnectionRefusedError(`Connection to ${host} was refused (${code}).`, { cause: error });
  }
  if (code === 'ETIMEDOUT') return new ConnectTimeout(Number.NaN, { cause: error });
  if (code !== undefined && DNS_CODES.has(code)) return new DNSLookupError(host, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectError(`Connecting to ${host} failed: ${message}`, { cause: error });
}

/** The reason for losing an established connection because of `error`. */
export function lostError(error: unknown): ConnectionLost {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNRESET' || code === 'EPIPE') return new ConnectionReset(`Connection reset: ${message}`, { cause: error });
  return new ConnectionLost(`Connection lost: ${message}`, { cause: error });
}
