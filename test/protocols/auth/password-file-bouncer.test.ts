import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLogs, type LogCapture } from '../../../src/log';
import {
  AuthMissingCredentials, AuthUnsupportedKeycard, AuthWrongCredentials, PasswordFileError,
} from '../../../src/protocols/errors';
import { HmacTokenKeycard, UsernamePasswordKeycard } from '../../../src/protocols/auth/keycards';
import { hashPassword } from '../../../src/protocols/auth/password-file';
import { PasswordFileBouncer } from '../../../src/protocols/auth/password-file-bouncer';
import { failureOf, tcp, tempDir, TEST_SCRYPT } from './helpers';

const card = (username: string, password: string): UsernamePasswordKeycard =>
  new UsernamePasswordKeycard({ username, password, address: tcp('192.0.2.9') });

let tmp: ReturnType<typeof tempDir>;
let logs: LogCapture;
beforeEach(() => {
  tmp = tempDir();
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  tmp.remove();
});

async function writeUsers(path: string, users: Record<string, string>, extra: string[] = []): Promise<void> {
  const lines = ['# test users'];
  for (const [name, pw] of Object.entries(users)) lines.push(`${name}:${await hashPassword(pw, { params: TEST_SCRYPT })}`);
  writeFileSync(path, [...lines, ...extra, ''].join('\n'));
}

describe('PasswordFileBouncer', () => {
  it('accepts the right password and refuses wrong ones and unknown users alike', async () => {
    const file = tmp.path('users');
    await writeUsers(file, { alice: 'correct horse', bob: 'battery staple' });
    const bouncer = new PasswordFileBouncer(file);
    expect(bouncer.users).toBe(2);
    const ok = await bouncer.authenticate(card('alice', 'correct horse'));
    expect(ok.identity).toBe('alice');
    expect(ok.expiresAt).toBeNull();
    expect(ok.keycard.kind).toBe('username-password');
    expect((await bouncer.authenticate(card('bob', 'battery staple'))).identity).toBe('bob');
    const wrong = await failureOf(bouncer.authenticate(card('alice', 'battery staple')));
    const unknown = await failureOf(bouncer.authenticate(card('mallory', 'correct horse')));
    expect(wrong).toBeInstanceOf(AuthWrongCredentials);
    expect(unknown).toBeInstanceOf(AuthWrongCredentials);
    expect(wrong.message).toBe(unknown.message); // no hint about which users exist
    expect((wrong as AuthWrongCredentials).status).toBe(401);
  });

  it('answers missing credentials and unsupported keycards without running scrypt', async () => {
    const file = tmp.path('users');
    await writeUsers(file, { alice: 'pw' });
    const bouncer = new PasswordFileBouncer(file);
    const d1 = bouncer.authenticate(card('alice', ''));
    const d2 = bouncer.authenticate(card('', 'pw'));
    const d3 = bouncer.authenticate(new HmacTokenKeycard({ token: 't', path: '/', address: null }));
    expect(d1.called && d2.called && d3.called).toBe(true); // synchronous answers
    expect(await failureOf(d1)).toBeInstanceOf(AuthMissingCredentials);
    expect(await failureOf(d2)).toBeInstanceOf(AuthMissingCredentials);
    expect(await failureOf(d3)).toBeInstanceOf(AuthUnsupportedKeycard);
  });

  it('skips broken lines with a warning naming each, and the other users still work', async () => {
    const file = tmp.path('users');
    await writeUsers(file, { alice: 'pw' }, ['bob:not-a-hash', 'carol']);
    const bouncer = new PasswordFileBouncer(file);
    expect(bouncer.users).toBe(1);
    expect(bouncer.errors.map((e) => e.line)).toEqual([3, 4]);
    const warnings = logs.records.filter((r) => r.level === 'warn');
    expect(warnings).toHaveLength(2);
    expect(warnings.map((w) => (w.fields['error'] as PasswordFileError).message)).toEqual([
      `${file}:3: user bob: the hash is not scrypt$N$r$p$salt$hash`, `${file}:4: expected user:scrypt$N$r$p$salt$hash`,
    ]);
    expect((await bouncer.authenticate(card('alice', 'pw'))).identity).toBe('alice');
    expect(await failureOf(bouncer.authenticate(card('bob', 'not-a-hash')))).toBeInstanceOf(AuthWrongCredentials);
  });

  it('throws at construction when the file cannot be read', () => {
    expect(() => new PasswordFileBouncer(tmp.path('missing'))).toThrow(/ENOENT/);
  });

  it('reload() picks up changes, and keeps the old users when the file vanished', async () => {
    const file = tmp.path('users');
    await writeUsers(file, { alice: 'one' });
    const bouncer = new PasswordFileBouncer(file);
    await writeUsers(file, { alice: 'two', bob: 'three' }, ['broken']);
    const loaded = await bouncer.reload();
    expect(loaded.users).toBe(2);
    expect(loaded.errors).toHaveLength(1);
    expect(await failureOf(bouncer.authenticate(card('alice', 'one')))).toBeInstanceOf(AuthWrongCredentials);
    expect((await bouncer.authenticate(card('alice', 'two'))).identity).toBe('alice');
    tmp.remove();
    expect((await failureOf(bouncer.reload())).message).toMatch(/ENOENT/);
    expect((await bouncer.authenticate(card('bob', 'three'))).identity).toBe('bob');
  });
});
