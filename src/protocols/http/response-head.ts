/**
 * Response heads for the HTTP hand-off: the head written before a client's fd goes to the sink,
 * and small complete responses for refusals (401, 403, 404, 503, …). Streamed responses always say
 * `Connection: close` (after hand-off the sink reads and discards what the client sends, PITFALLS
 * 15). Pure: returns bytes. Tests: test/protocols/http/response-head.test.ts.
 */
import { STATUS_CODES } from 'node:http';

/** Header name → value; values with CR or LF are refused. */
export type HttpHeaders = Readonly<Record<string, string | number>>;

function checkToken(name: string): void {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new TypeError(`invalid HTTP header name ${JSON.stringify(name)}`);
}

function checkValue(name: string, value: string): void {
  if (/[\r\n\0]/.test(value)) throw new TypeError(`invalid characters in HTTP header ${name}`);
}

/** Serialises a status line and headers, ending with the blank line. */
export function formatResponseHead(status: number, headers: HttpHeaders, httpVersion: '1.0' | '1.1' = '1.0'): Uint8Array {
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new RangeError(`invalid HTTP status ${status}`);
  const lines = [`HTTP/${httpVersion} ${status} ${STATUS_CODES[status] ?? 'Status'}`];
  for (const [name, raw] of Object.entries(headers)) {
    const value = String(raw);
    checkToken(name);
    checkValue(name, value);
    lines.push(`${name}: ${value}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** The head of a streamed response: no length, no caching, `Connection: close`. */
export function streamResponseHead(contentType: string, extra: HttpHeaders = {}): Uint8Array {
  return formatResponseHead(200, {
    'Content-Type': contentType,
    'Cache-Control': 'no-cache, no-store',
    Pragma: 'no-cache',
    Connection: 'close',
    ...extra,
  });
}

/** A complete short response (status, a plain-text body, `Connection: close`). */
export function simpleResponse(status: number, body = `${STATUS_CODES[status] ?? 'Error'}\n`, extra: HttpHeaders = {}): Uint8Array {
  const payload = Buffer.from(body, 'utf8');
  const head = formatResponseHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': payload.length,
    Connection: 'close',
    ...extra,
  });
  return Buffer.concat([head, payload]);
}
