/**
 * Bad input gets typed errors only: arbitrary and mutated bytes fed to the request head reader, cut
 * anywhere, either give a head or raise an HttpError subclass — never anything else (bounded
 * fast-check run).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/protocols/http/errors';
import { HttpRequestHeadReader } from '../../../src/protocols/http/request-head';

const VALID = Buffer.from('GET /live.webm?token=abc HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic dTpw\r\n\r\n');

function feed(bytes: Uint8Array, cuts: number[], maxHeadBytes: number): 'head' | 'partial' | 'error' {
  const reader = new HttpRequestHeadReader({ maxHeadBytes });
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let start = 0;
  try {
    for (const end of [...points, bytes.length]) {
      if (reader.push(bytes.subarray(start, end)) !== null) return 'head';
      start = end;
    }
    return 'partial';
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    expect(error.status).toBeGreaterThanOrEqual(400);
    return 'error';
  }
}

describe('HttpRequestHeadReader fuzz', () => {
  it('raises only HttpError subclasses on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 5 }), fc.integer({ min: 16, max: 1024 }),
      (bytes, cuts, max) => { feed(bytes, cuts, max); }), { numRuns: 1500, seed: 20261125 });
  });

  it('raises only HttpError subclasses on mutations of a valid head, and accepts it unmutated at any cut', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(VALID.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 4 }), (mutations, cuts) => {
        const bytes = Buffer.from(VALID);
        for (const [at, value] of mutations) bytes[at] = value;
        const result = feed(bytes, cuts, 4096);
        if (mutations.length === 0) expect(result).toBe('head');
      }), { numRuns: 1500, seed: 7 });
  });
});
