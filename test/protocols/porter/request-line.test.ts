/**
 * RequestLineReader: every split of the input gives the same line and the same buffered bytes;
 * limits, malformed lines and path decoding. Pure, no I/O.
 */
import { describe, expect, it } from 'vitest';
import { HttpBadRequest } from '../../../src/protocols/http/errors';
import { RequestLineTooLong } from '../../../src/protocols/porter/errors';
import { RequestLineReader, targetPath, type RequestLine } from '../../../src/protocols/porter/request-line';
import { bytes, splits, text } from '../splits';

function feed(chunks: Uint8Array[], max?: number): { line: RequestLine | null; at: number } {
  const reader = new RequestLineReader(max);
  for (let i = 0; i < chunks.length; i++) {
    const line = reader.push(chunks[i] as Uint8Array);
    if (line !== null) return { line, at: i };
  }
  return { line: null, at: -1 };
}

describe('RequestLineReader', () => {
  it('reads the line and keeps every byte, for every split of the input', () => {
    const input = bytes('GET /live.webm?token=a%20b HTTP/1.1\r\nHost: x\r\n\r\n');
    const lineEnd = input.indexOf(0x0a) + 1;
    let count = 0;
    for (const chunks of splits(input)) {
      const { line, at } = feed(chunks);
      expect(line).not.toBeNull();
      expect(line?.method).toBe('GET');
      expect(line?.target).toBe('/live.webm?token=a%20b');
      expect(line?.path).toBe('/live.webm');
      expect(line?.protocol).toBe('HTTP/1.1');
      // buffered = everything pushed up to and including the chunk holding the LF
      const pushed = Buffer.concat(chunks.slice(0, at + 1));
      expect(text(line?.buffered ?? new Uint8Array())).toBe(text(pushed));
      expect(pushed.length).toBeGreaterThanOrEqual(lineEnd);
      count++;
    }
    expect(count).toBeGreaterThan(1000);
  });

  it('accepts a bare LF and other protocols (RTSP)', () => {
    expect(feed([bytes('DESCRIBE /cam RTSP/1.0\n')]).line?.protocol).toBe('RTSP/1.0');
  });

  it('decodes the path and strips the query; absolute-form targets give their path', () => {
    expect(feed([bytes('GET /a%2Fb%20c?x=1 HTTP/1.0\r\n')]).line?.path).toBe('/a/b c');
    expect(feed([bytes('GET http://example.com/x/y HTTP/1.0\r\n')]).line?.path).toBe('/x/y');
    expect(targetPath('/%zz')).toBeNull();
  });

  it('waits for more bytes while there is no line end', () => {
    const reader = new RequestLineReader();
    expect(reader.push(bytes('GET / HTTP/1.0'))).toBeNull();
    expect(reader.push(bytes('\r'))).toBeNull();
    expect(reader.push(bytes('\n'))?.path).toBe('/');
  });

  it('refuses a line longer than the limit, with or without its end in the chunk', () => {
    expect(() => feed([bytes(`GET /${'a'.repeat(100)}`)], 64)).toThrow(RequestLineTooLong);
    expect(() => feed([bytes(`GET /${'a'.repeat(100)} HTTP/1.0\r\n`)], 64)).toThrow(RequestLineTooLong);
    expect(() => feed([bytes('GET /'), bytes(`${'a'.repeat(100)} HTTP/1.0\r\n`)], 64)).toThrow(RequestLineTooLong);
    expect(new RequestLineTooLong('x').status).toBe(414);
    // exactly at the limit is fine
    const exact = `GET /${'a'.repeat(64 - 'GET / HTTP/1.0\r\n'.length)} HTTP/1.0\r\n`;
    expect(exact.length).toBe(64);
    expect(feed([bytes(exact)], 64).line).not.toBeNull();
  });

  it('refuses malformed lines with HttpBadRequest (400)', () => {
    for (const bad of ['\r\n', 'GET\r\n', 'GET /\r\n', 'GET / HTTP/1.0 extra\r\n', 'GET noslash HTTP/1.0\r\n', '\x16\x03\x01 / HTTP/1.0\r\n']) {
      expect(() => feed([bytes(bad)]), JSON.stringify(bad)).toThrow(HttpBadRequest);
    }
  });

  it('is single-use', () => {
    const reader = new RequestLineReader();
    reader.push(bytes('GET / HTTP/1.0\r\n'));
    expect(() => reader.push(bytes('x'))).toThrow(HttpBadRequest);
  });
});
