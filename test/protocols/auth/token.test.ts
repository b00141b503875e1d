import { describe, expect, it } from 'vitest';
import { AuthConfigError } from '../../../src/protocols/errors';
import { decodeToken, mintToken, pathInScope, secretBytes, verifyTokenSignature } from '../../../src/protocols/auth/token';
import { SECRET } from './helpers';

describe('HMAC tokens', () => {
  it('are payload.signature with the documented encoding', () => {
    const token = mintToken(SECRET, '/live.webm', 1_700_000_000);
    const [payload, signature] = token.split('.') as [string, string];
    expect(Buffer.from(payload, 'base64url').toString()).toBe('/live.webm|1700000000');
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(decodeToken(token)).toEqual({ path: '/live.webm', expiresAt: 1_700_000_000 });
    expect(verifyTokenSignature(SECRET, token)).toEqual({ path: '/live.webm', expiresAt: 1_700_000_000 });
    expect(mintToken(SECRET, '/live.webm', 1_700_000_000)).toBe(token); // deterministic
  });

  it('allow "|" in the path (split at the last one)', () => {
    const token = mintToken(SECRET, '/a|b', 5);
    expect(verifyTokenSignature(SECRET, token)).toEqual({ path: '/a|b', expiresAt: 5 });
  });

  it('do not verify when forged, altered or signed with another secret', () => {
    const token = mintToken(SECRET, '/live.webm', 100);
    const [payload, signature] = token.split('.') as [string, string];
    const other = Buffer.from('/other.webm|100').toString('base64url');
    expect(verifyTokenSignature(SECRET, `${other}.${signature}`)).toBeNull();
    expect(verifyTokenSignature('another secret of 16+ bytes', token)).toBeNull();
    expect(verifyTokenSignature(SECRET, `${payload}.${signature.slice(0, -2)}`)).toBeNull();
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect(verifyTokenSignature(SECRET, `${payload}.${flipped}`)).toBeNull();
    for (const junk of ['', '.', 'abc', '.abc', `${payload}.`, `${payload}.!!!`, 'x'.repeat(5000)]) {
      expect(verifyTokenSignature(SECRET, junk)).toBeNull();
    }
    expect(decodeToken(`${Buffer.from('no-bar').toString('base64url')}.x`)).toBeNull();
    expect(decodeToken(`${Buffer.from('rel|5').toString('base64url')}.x`)).toBeNull();
    expect(decodeToken(`${Buffer.from('/p|-5').toString('base64url')}.x`)).toBeNull();
  });

  it('refuse short secrets and bad claims at minting', () => {
    expect(() => secretBytes('short')).toThrow(AuthConfigError);
    expect(() => mintToken('short', '/x', 1)).toThrow(AuthConfigError);
    expect(() => mintToken(SECRET, 'relative', 1)).toThrow(AuthConfigError);
    expect(() => mintToken(SECRET, '/a\nb', 1)).toThrow(AuthConfigError);
    expect(() => mintToken(SECRET, '/a', 1.5)).toThrow(AuthConfigError);
    expect(() => mintToken(SECRET, '/a', -1)).toThrow(AuthConfigError);
    expect(secretBytes(new Uint8Array(16)).length).toBe(16);
  });

  it('cover one path, or a directory without escaping it', () => {
    expect(pathInScope('/live.webm', '/live.webm')).toBe(true);
    expect(pathInScope('/live.webm', '/live.webm2')).toBe(false);
    expect(pathInScope('/live.webm', '/live.ogg')).toBe(false);
    expect(pathInScope('/live/', '/live/a.webm')).toBe(true);
    expect(pathInScope('/live/', '/live/')).toBe(true);
    expect(pathInScope('/live/', '/live')).toBe(false);
    expect(pathInScope('/live/', '/livestream')).toBe(false);
    expect(pathInScope('/live/', '/live/../secret')).toBe(false);
    expect(pathInScope('/live/', '/live/./a')).toBe(false);
    expect(pathInScope('/', '/anything/at/all')).toBe(true);
  });
});
