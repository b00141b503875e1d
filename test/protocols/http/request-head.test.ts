import { describe, expect, it } from 'vitest';
import { HttpBadRequest, HttpHeadTooLarge } from '../../../src/protocols/http/errors';
import { HttpRequestHeadReader } from '../../../src/protocols/http/request-head';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('HttpRequestHeadReader', () => {
  const request = 'GET /live.webm?token=a%2Bb&x=1 HTTP/1.1\r\nHost: 127.0.0.1:8800\r\nAuthorization: Basic dTpw\r\n' +
    'X-Dup: a\r\nx-dup: b\r\n\r\n';

  it('parses a head and returns the bytes after it, whatever the chunking', () => {
    const input = enc(`${request}EARLY BYTES`);
    for (let cut = 0; cut <= input.length; cut++) {
      const reader = new HttpRequestHeadReader();
      const first = reader.push(input.subarray(0, cut));
      const result = first ?? reader.push(input.subarray(cut));
      expect(result, `cut at ${cut}`).not.toBeNull();
      const { head, leftover } = result!;
      expect(head.method).toBe('GET');
      expect(head.path).toBe('/live.webm');
      expect(head.target).toBe('/live.webm?token=a%2Bb&x=1');
      expect(head.query.get('token')).toBe('a+b');
      expect(head.httpVersion).toBe('1.1');
      expect(head.headers.get('authorization')).toBe('Basic dTpw');
      expect(head.headers.get('x-dup')).toBe('a, b');
      expect(head.rawHeaders.slice(0, 2)).toEqual(['Host', '127.0.0.1:8800']);
      // Bytes that arrived with the head but belong after it are kept (PITFALLS 9); when the head
      // completed in the first chunk, the rest of the input was never pushed.
      const expected = first === null ? 'EARLY BYTES' : 'EARLY BYTES'.slice(0, cut - request.length);
      expect(dec(leftover)).toBe(expected);
    }
  });

  it('feeds byte by byte', () => {
    const reader = new HttpRequestHeadReader();
    const bytes = enc('GET / HTTP/1.0\r\n\r\n');
    let result = null;
    for (let i = 0; i < bytes.length; i++) {
      result = reader.push(bytes.subarray(i, i + 1));
      if (i < bytes.length - 1) expect(result).toBeNull();
    }
    expect(result?.head.httpVersion).toBe('1.0');
    expect(result?.leftover.length).toBe(0);
  });

  it('rejects malformed heads with HttpBadRequest (status 400)', () => {
    for (const bad of ['GARBAGE\r\n\r\n', 'GET / HTTP/2.0\r\n\r\n', 'GET / HTTP/1.1\r\nBad Header\r\n\r\n',
      'GET /%zz HTTP/1.1\r\n\r\n', 'GET / HTTP/1.1\nHost: x\n\n\r\n\r\n']) {
      const reader = new HttpRequestHeadReader();
      let error: unknown;
      try { reader.push(enc(bad)); } catch (e) { error = e; }
      expect(error, JSON.stringify(bad)).toBeInstanceOf(HttpBadRequest);
      expect((error as HttpBadRequest).status).toBe(400);
    }
  });

  it('caps the head size before it is complete (slow-loris heads cannot grow memory)', () => {
    const reader = new HttpRequestHeadReader({ maxHeadBytes: 1024 });
    expect(reader.push(enc('GET / HTTP/1.1\r\n'))).toBeNull();
    let error: unknown;
    try {
      for (let i = 0; i < 100; i++) reader.push(enc(`X-Pad-${i}: ${'a'.repeat(20)}\r\n`));
    } catch (e) { error = e; }
    expect(error).toBeInstanceOf(HttpHeadTooLarge);
    expect((error as HttpHeadTooLarge).status).toBe(431);
    expect(reader.buffered).toBeLessThanOrEqual(1024 + 40);
  });

  it('refuses to be fed after the head is complete', () => {
    const reader = new HttpRequestHeadReader();
    expect(reader.push(enc('GET / HTTP/1.1\r\n\r\n'))).not.toBeNull();
    expect(() => reader.push(enc('x'))).toThrow(HttpBadRequest);
  });
});
