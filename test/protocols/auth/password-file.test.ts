import { describe, expect, it } from 'vitest';
import { AuthConfigError, PasswordFileError } from '../../../src/protocols/errors';
import {
  formatPasswordLine, hashPassword, parsePasswordFile, parsePasswordLine, usernameProblem, verifyPassword,
} from '../../../src/protocols/auth/password-file';
import { checkScryptParams, scryptDeferred } from '../../../src/protocols/auth/scrypt';
import { failureOf, TEST_SCRYPT } from './helpers';

describe('password file format', () => {
  it('hashes with a random per-user salt in scrypt$N$r$p$salt$hash form, and verifies', async () => {
    const a = await hashPassword('pw', { params: TEST_SCRYPT });
    const b = await hashPassword('pw', { params: TEST_SCRYPT });
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b); // different salts
    const entry = parsePasswordLine(formatPasswordLine('alice', a), 'f', 1);
    expect(entry.params).toEqual(TEST_SCRYPT);
    expect(entry.salt).toHaveLength(16);
    expect(entry.hash).toHaveLength(32);
    expect(await verifyPassword(entry, 'pw')).toBe(true);
    expect(await verifyPassword(entry, 'pW')).toBe(false);
    expect(await verifyPassword(entry, '')).toBe(false);
  });

  it('is deterministic for a given salt (the stored hash is scrypt of password and salt)', async () => {
    const fixed = (n: number): Uint8Array => new Uint8Array(n).fill(1);
    const line = await hashPassword('pw', { params: TEST_SCRYPT, randomBytes: fixed });
    const direct = await scryptDeferred('pw', Buffer.from(fixed(16)), 32, TEST_SCRYPT);
    expect(line.split('$')[5]).toBe(direct.toString('base64url'));
  });

  it('refuses bad scrypt parameters and bad user names', async () => {
    expect(() => checkScryptParams({ N: 1000, r: 8, p: 1 })).toThrow(AuthConfigError);
    expect(() => checkScryptParams({ N: 2 ** 21, r: 8, p: 1 })).toThrow(AuthConfigError);
    expect(() => checkScryptParams({ N: 1024, r: 0, p: 1 })).toThrow(AuthConfigError);
    expect(() => checkScryptParams({ N: 1024, r: 8, p: 17 })).toThrow(AuthConfigError);
    expect(await failureOf(hashPassword('x', { params: { N: 3, r: 1, p: 1 } }))).toBeInstanceOf(AuthConfigError);
    expect(await failureOf(scryptDeferred('x', Buffer.alloc(8), 32, { N: 3, r: 1, p: 1 }))).toBeInstanceOf(AuthConfigError);
    for (const bad of ['', 'a:b', 'a b', 'tab\t', 'x'.repeat(256), 'nul\u0000']) expect(usernameProblem(bad)).not.toBeNull();
    expect(usernameProblem('alice.o-k_1@example')).toBeNull();
    expect(() => formatPasswordLine('a:b', 'scrypt$...')).toThrow(AuthConfigError);
  });

  it('reports each broken line by number and keeps the good ones', async () => {
    const good = await hashPassword('pw', { params: TEST_SCRYPT });
    const text = [
      '# users', '', `alice:${good}`, 'no-colon-here', `bob:md5$abc`, `carol:scrypt$1000$8$1$AAAAAAAAAAA$${'A'.repeat(43)}`,
      `dave:scrypt$1024$8$1$AA$${'A'.repeat(43)}`, `erin:scrypt$1024$8$1$AAAAAAAAAAA$AAAA`, `frank:scrypt$1024$8$1$AAAAAAAAAAA$${'!'.repeat(43)}`,
      `alice:${good}`, ` bad name:${good}`, `  grace:${good}  `, 'x:scrypt$99999999999$8$1$A$A',
    ].join('\r\n');
    const { entries, errors } = parsePasswordFile(text, 'users.passwd');
    expect([...entries.keys()]).toEqual(['alice', 'grace']);
    expect(errors.map((e) => e.line)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 13]);
    for (const e of errors) {
      expect(e).toBeInstanceOf(PasswordFileError);
      expect(e.code).toBe('TORSION_ERR_PASSWORD_FILE');
      expect(e.source).toBe('users.passwd');
      expect(e.message).toMatch(new RegExp(`^users\\.passwd:${e.line}: `));
    }
    expect(errors[0]?.message).toMatch(/expected user:scrypt/);
    expect(errors[2]?.message).toMatch(/N must be a power of two/);
    expect(errors[3]?.message).toMatch(/salt is shorter than 8 bytes/);
    expect(errors[4]?.message).toMatch(/hash must be 16 to 64 bytes/);
    expect(errors[5]?.message).toMatch(/base64url/);
    expect(errors[6]?.message).toMatch(/already defined on line 3/);
  });
});
