import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandIO } from '../../src/cli/command';
import { passwdCommand } from '../../src/cli/commands/passwd';
import { commands } from '../../src/cli/commands/index';
import { UsernamePasswordKeycard } from '../../src/protocols/auth/keycards';
import { PasswordFileBouncer } from '../../src/protocols/auth/password-file-bouncer';
import { AuthWrongCredentials } from '../../src/protocols/errors';
import { captureLogs, type LogCapture } from '../../src/log';
import { captureIO } from './io';

let dir: string;
let file: string;
let logs: LogCapture;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'torsion-passwd-'));
  file = join(dir, 'users.passwd');
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `torsion passwd` with a low scrypt cost. */
async function passwd(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO(stdin);
  const code = await passwdCommand.run(['--file', file, '--cost', '10', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

async function accepts(user: string, password: string): Promise<boolean> {
  try {
    await new PasswordFileBouncer(file).authenticate(new UsernamePasswordKeycard({ username: user, password }));
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthWrongCredentials);
    return false;
  }
}

describe('torsion passwd', () => {
  it('is registered', () => {
    expect(commands).toContain(passwdCommand);
  });

  it('adds users to a new file (mode 0600) that the password-file bouncer accepts', async () => {
    expect(await passwd(['--password-stdin', 'alice'], 'correct horse\n')).toMatchObject({ code: 0, out: '' });
    expect((await passwd(['bob'], 'battery staple\r\nignored second line\n')).err).toMatch(/added bob/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^alice:scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+\nbob:scrypt\$1024\$8\$1\$/);
    expect(text).not.toContain('correct horse');
    expect(await accepts('alice', 'correct horse')).toBe(true);
    expect(await accepts('bob', 'battery staple')).toBe(true);
    expect(await accepts('bob', 'ignored second line')).toBe(false);
  });

  it('replaces a password in place, keeping comments, other users and broken lines', async () => {
    writeFileSync(file, '# staff\nbroken line\n');
    await passwd(['alice'], 'one\n');
    await passwd(['bob'], 'two\n');
    const r = await passwd(['alice'], 'three\n');
    expect(r.err).toMatch(/updated alice/);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('# staff');
    expect(lines[1]).toBe('broken line');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['# staff', 'broken line', 'alice', 'bob']);
    expect(await accepts('alice', 'three')).toBe(true);
    expect(await accepts('alice', 'one')).toBe(false);
    expect(await accepts('bob', 'two')).toBe(true);
  });

  it('deletes a user, and fails for an unknown one', async () => {
    await passwd(['alice'], 'one\n');
    await passwd(['bob'], 'two\n');
    expect((await passwd(['--delete', 'alice'])).code).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toMatch(/^alice:/m);
    expect(await accepts('bob', 'two')).toBe(true);
    const r = await passwd(['--delete', 'carol']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no user carol/);
  });

  it('refuses an empty password, bad user names and bad options', async () => {
    expect((await passwd(['alice'], '\n')).code).toBe(1);
    expect((await passwd(['alice'], '')).code).toBe(1);
    for (const args of [[], ['a', 'b'], ['bad:name'], ['--cost', '9', 'a'], ['--cost', 'x', 'a'], ['--bogus', 'a'], ['--file']]) {
      const r = await passwd(args, 'pw\n');
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/^torsion passwd: /);
    }
  });

  it('reports a file it cannot write', async () => {
    const io = captureIO('pw\n');
    expect(await passwdCommand.run(['--file', join(dir, 'missing-dir', 'f'), '--cost', '10', 'a'], io)).toBe(1);
    expect(io.err()).toMatch(/ENOENT/);
  });

  it('prompts twice without echo on a terminal', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true, modes: [] as boolean[],
      setRawMode(mode: boolean) { this.modes.push(mode); return this; } });
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (c: Buffer) => { err += c.toString(); });
    const io: CommandIO = { stdin, stdout: new PassThrough(), stderr, env: {} };
    const done = passwdCommand.run(['--file', file, '--cost', '10', 'alice'], io);
    stdin.write('sec');
    stdin.write('x\u007fret\r');
    stdin.write('secret\r');
    expect(await done).toBe(0);
    expect(err).toMatch(/Password for alice: \nAgain: \n/);
    expect(err).not.toContain('secret');
    expect(stdin.modes).toEqual([true, false, true, false]);
    expect(await accepts('alice', 'secret')).toBe(true);
  });

  it('prints help', async () => {
    const io = captureIO();
    expect(await passwdCommand.run(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/Usage: torsion passwd/);
  });
});
