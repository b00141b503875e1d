import { describe, expect, it } from 'vitest';
import {
  clientProof, decodeMessage, encodeMessage, serverProof, validIdentity, type HandshakeMessage,
} from '../../../src/protocols/challenge/messages';
import { NonceCache } from '../../../src/protocols/challenge/nonce-cache';
import { Clock } from '../../../src/testing/clock';

const n = (byte: number): Buffer => Buffer.alloc(32, byte);

describe('handshake messages', () => {
  it('round-trip every message type', () => {
    const messages: HandshakeMessage[] = [
      { type: 'challenge', version: 1, serverNonce: n(1) },
      { type: 'response', clientNonce: n(2), proof: n(3), identity: 'producer/video' },
      { type: 'response', clientNonce: n(2), proof: n(3), identity: 'ü'.repeat(127) },
      { type: 'accept', proof: n(4) },
      { type: 'reject', reason: 'wrong-credentials' },
      { type: 'reject', reason: 'rate-limited' },
    ];
    for (const m of messages) expect(decodeMessage(encodeMessage(m))).toEqual(m);
    expect(encodeMessage(messages[0] as HandshakeMessage)).toHaveLength(34);
  });

  it('decode malformed frames to null', () => {
    const response = encodeMessage({ type: 'response', clientNonce: n(2), proof: n(3), identity: 'x' });
    const bad = [
      Buffer.alloc(0), Buffer.from([9]), Buffer.from([1, 1]), encodeMessage({ type: 'challenge', version: 1, serverNonce: n(1) }).subarray(0, 33),
      response.subarray(0, 65), Buffer.concat([response.subarray(0, 65), Buffer.from([0xff, 0xfe])]),
      Buffer.concat([response.subarray(0, 65), Buffer.alloc(256, 0x61)]), Buffer.concat([response.subarray(0, 65), Buffer.from([0])]),
      Buffer.from([3, 1, 2]), Buffer.from([4, 0x78]), Buffer.from([4]),
    ];
    for (const frame of bad) expect(decodeMessage(frame), frame.toString('hex')).toBeNull();
    expect(validIdentity('')).toBe(false);
    expect(validIdentity('a\u0000b')).toBe(false);
    expect(validIdentity('é'.repeat(128))).toBe(false); // 256 bytes
  });

  it('bind both nonces and the identity, and keep the two sides apart', () => {
    const secret = Buffer.from('a shared secret of some length');
    const base = clientProof(secret, n(1), n(2), 'id');
    expect(base).toHaveLength(32);
    expect(clientProof(secret, n(1), n(2), 'id')).toEqual(base);
    expect(clientProof(secret, n(9), n(2), 'id')).not.toEqual(base);
    expect(clientProof(secret, n(1), n(9), 'id')).not.toEqual(base);
    expect(clientProof(secret, n(1), n(2), 'ie')).not.toEqual(base);
    expect(clientProof(Buffer.from('another secret of some length'), n(1), n(2), 'id')).not.toEqual(base);
    expect(serverProof(secret, n(1), n(2), 'id')).not.toEqual(base);
  });
});

describe('NonceCache', () => {
  it('reports a second use, forgets after ttl, and stays bounded', () => {
    const clock = new Clock();
    const cache = new NonceCache({ clock, ttl: 60, maxEntries: 100 });
    expect(cache.use(n(1))).toBe(false);
    expect(cache.use(n(1))).toBe(true);
    expect(cache.use(n(2))).toBe(false);
    clock.advance(59);
    expect(cache.use(n(1))).toBe(true);
    clock.advance(1);
    expect(cache.use(n(1))).toBe(false); // expired, recorded again
    expect(cache.size).toBe(1);
    for (let i = 0; i < 1000; i++) cache.use(Buffer.from(String(i)));
    expect(cache.size).toBe(100);
    expect(cache.use(Buffer.from('999'))).toBe(true);
    expect(cache.use(Buffer.from('0'))).toBe(false); // evicted as the oldest
  });
});
