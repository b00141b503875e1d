/**
 * Token and password verification go through `crypto.timingSafeEqual` (src/protocols/auth/
 * constant-time.ts): `node:crypto` is wrapped with a counting `timingSafeEqual`, then genuine,
 * forged, truncated and malformed tokens and right and wrong passwords are verified; each
 * verification must call it once, with equal-length digests, whatever the input — so a forged
 * signature is never compared byte by byte with `===` or `Buffer.equals`. A static check makes
 * sure the auth sources contain no other comparison of digests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls: Array<[number, number]> = [];
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return {
    ...actual,
    default: actual,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView): boolean => {
      calls.push([a.byteLength, b.byteLength]);
      return actual.timingSafeEqual(a, b);
    },
  };
});

const { mintToken, verifyTokenSignature } = await import('../../src/protocols/auth/token');
const { hashPassword, parsePasswordLine, verifyPassword } = await import('../../src/protocols/auth/password-file');

const SECRET = 'constant-time-secret-0123456789';

beforeEach(() => { calls.length = 0; });

describe('constant-time verification', () => {
  it('verifies every token shape with one timingSafeEqual of equal-length digests', () => {
    const good = mintToken(SECRET, '/live.webm', 2_000_000_000);
    const [payload, signature] = good.split('.') as [string, string];
    const shapes = ['', '.', payload, `${payload}.`, `.${signature}`, good.slice(0, -1), `${payload}.${'A'.repeat(43)}`,
      `${payload}.${signature}x`, '!!!.???', `${'A'.repeat(5000)}.${signature}`, mintToken('another-secret-0123456789', '/live.webm', 2_000_000_000)];
    expect(verifyTokenSignature(SECRET, good)).toEqual({ path: '/live.webm', expiresAt: 2_000_000_000 });
    expect(calls).toHaveLength(1);
    for (const t of shapes) {
      calls.length = 0;
      expect(verifyTokenSignature(SECRET, t), t.slice(0, 20)).toBeNull();
      expect(calls, t.slice(0, 20)).toHaveLength(1);
      const [a, b] = calls[0] as [number, number];
      expect(a).toBe(b);
    }
  });

  it('verifies right and wrong passwords with timingSafeEqual', async () => {
    const line = await hashPassword('s3cret', { params: { N: 1024, r: 8, p: 1 } }).asPromise();
    const entry = parsePasswordLine(`alice:${line}`, 'test', 1);
    expect(await verifyPassword(entry, 's3cret').asPromise()).toBe(true);
    expect(await verifyPassword(entry, 's3cres').asPromise()).toBe(false);
    expect(await verifyPassword(entry, '').asPromise()).toBe(false);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const [a, b] of calls) expect(a).toBe(b);
  });

  it('has no other comparison of digests in the auth sources', () => {
    const authDir = join(import.meta.dirname, '../../src/protocols/auth');
    for (const f of readdirSync(authDir).filter((n) => n.endsWith('.ts'))) {
      const text = readFileSync(join(authDir, f), 'utf8');
      expect(text, f).not.toMatch(/\.equals\(|\bBuffer\.compare\(|\.compare\(/);
      expect(text, f).not.toMatch(/(signature|digest|hash|expected|proof)\s*[!=]==/i);
    }
    expect(readFileSync(join(authDir, 'constant-time.ts'), 'utf8')).toMatch(/import \{ timingSafeEqual \} from 'node:crypto'/);
  });
});
