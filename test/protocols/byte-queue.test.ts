import { describe, expect, it } from 'vitest';
import { ByteQueue } from '../../src/protocols/byte-queue';
import { bytes, splits, text } from './splits';

function queueOf(chunks: Uint8Array[]): ByteQueue {
  const q = new ByteQueue();
  for (const c of chunks) q.push(c);
  return q;
}

describe('ByteQueue', () => {
  it('finds a pattern wherever the chunk boundaries fall', () => {
    const input = bytes('abc\r\ndef\r\n\r\nxyz');
    for (const chunks of splits(input)) {
      const q = queueOf(chunks);
      expect(q.length).toBe(input.length);
      expect(q.indexOf(bytes('\r\n'))).toBe(3);
      expect(q.indexOf(bytes('\r\n'), 4)).toBe(8);
      expect(q.indexOf(bytes('\r\n\r\n'))).toBe(8);
      expect(q.indexOf(bytes('yz'))).toBe(input.length - 2);
      expect(q.indexOf(bytes('zz'))).toBe(-1);
      expect(q.indexOf(bytes('\r\n'), 11)).toBe(-1);
    }
  });

  it('takes, skips and drains across chunks, copying only when bytes span chunks', () => {
    for (const chunks of splits(bytes('0123456789'))) {
      const q = queueOf(chunks);
      expect(text(q.take(3))).toBe('012');
      q.skip(2);
      expect(q.byteAt(0)).toBe('5'.charCodeAt(0));
      expect(q.readUIntBE(0, 2)).toBe(0x3536);
      expect(q.readUIntBE(4, 2)).toBeUndefined();
      expect(text(q.drain())).toBe('56789');
      expect(q.length).toBe(0);
      expect(q.byteAt(0)).toBeUndefined();
    }
    const big = Buffer.alloc(1000, 7);
    const q = new ByteQueue();
    q.push(big);
    const view = q.take(500);
    expect(view.buffer).toBe(big.buffer); // one chunk: a view, not a copy
    expect(() => q.take(501)).toThrow(RangeError);
  });

  it('keeps earlier views intact while small chunks are appended to the shared tail', () => {
    const q = new ByteQueue();
    q.push(bytes('ab'));
    const first = q.take(2);
    for (let i = 0; i < 5000; i++) q.push(bytes('x'));
    q.push(bytes('cd'));
    expect(text(first)).toBe('ab');
    expect(q.length).toBe(5002);
    expect(q.indexOf(bytes('cd'))).toBe(5000);
    q.skip(5000);
    expect(text(q.drain())).toBe('cd');
  });

  it('searches a long line fed byte by byte in linear time', () => {
    const q = new ByteQueue();
    let scanned = 0;
    const started = process.hrtime.bigint();
    const a = bytes('a');
    const crlf = bytes('\r\n');
    let found = 0;
    for (let i = 0; i < 200_000; i++) {
      q.push(a);
      if (q.indexOf(crlf, scanned) !== -1) found += 1;
      scanned = Math.max(0, q.length - 1);
    }
    q.push(crlf);
    expect(found).toBe(0);
    expect(q.indexOf(crlf, scanned)).toBe(200_000);
    // Quadratic work here would be ~2e10 byte visits; linear work takes well under a second.
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(ms).toBeLessThan(3000);
  });
});
