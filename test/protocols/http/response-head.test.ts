import { describe, expect, it } from 'vitest';
import { HttpRequestHeadReader } from '../../../src/protocols/http/request-head';
import { formatResponseHead, simpleResponse, streamResponseHead } from '../../../src/protocols/http/response-head';

const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

describe('response heads', () => {
  it('formats a status line and headers ending with a blank line', () => {
    expect(text(formatResponseHead(404, { 'X-A': 1 }))).toBe('HTTP/1.0 404 Not Found\r\nX-A: 1\r\n\r\n');
    expect(text(formatResponseHead(200, {}, '1.1'))).toBe('HTTP/1.1 200 OK\r\n\r\n');
  });

  it('streams with Connection: close and no caching', () => {
    const head = text(streamResponseHead('video/webm'));
    expect(head).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    expect(head).toContain('Content-Type: video/webm\r\n');
    expect(head).toContain('Connection: close\r\n');
    expect(head).toContain('Cache-Control: no-cache, no-store\r\n');
    expect(head.endsWith('\r\n\r\n')).toBe(true);
  });

  it('writes complete refusals with a length, parseable by a client', () => {
    const res = text(simpleResponse(401, 'Unauthorized\n', { 'WWW-Authenticate': 'Basic realm="torsion"' }));
    const [head, body] = res.split('\r\n\r\n');
    expect(head).toContain('HTTP/1.0 401 Unauthorized');
    expect(head).toContain('WWW-Authenticate: Basic realm="torsion"');
    expect(head).toContain('Content-Length: 13');
    expect(body).toBe('Unauthorized\n');
  });

  it('refuses header injection and bad statuses', () => {
    expect(() => formatResponseHead(200, { 'X-A': 'a\r\nSet-Cookie: x' })).toThrow(TypeError);
    expect(() => formatResponseHead(200, { 'Bad Name': 'a' })).toThrow(TypeError);
    expect(() => formatResponseHead(99, {})).toThrow(RangeError);
  });

  it('produces heads our own reader accepts as well-formed header syntax', () => {
    // A response head has the same header grammar: reuse the request reader on a request line.
    const head = text(streamResponseHead('audio/ogg')).replace(/^HTTP\/1\.0 200 OK/, 'GET / HTTP/1.0');
    const parsed = new HttpRequestHeadReader().push(Buffer.from(head, 'latin1'));
    expect(parsed?.head.headers.get('content-type')).toBe('audio/ogg');
  });
});
