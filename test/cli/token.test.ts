import { describe, expect, it } from 'vitest';
import { tokenCommand } from '../../src/cli/commands/token';
import { commands } from '../../src/cli/commands/index';
import { decodeToken, verifyTokenSignature } from '../../src/protocols/auth/token';
import { captureIO } from './io';

const SECRET = 'cli test secret, long enough';

describe('torsion token', () => {
  it('is registered', () => {
    expect(commands).toContain(tokenCommand);
  });

  it('prints only a token for the path, expiring ttl seconds from now', async () => {
    const io = captureIO('', { TORSION_SECRET: SECRET });
    const before = Math.floor(Date.now() / 1000);
    expect(await tokenCommand.run(['--path', '/live.webm', '--ttl', '60'], io)).toBe(0);
    const after = Math.floor(Date.now() / 1000);
    expect(io.err()).toBe('');
    expect(io.out()).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}\n$/);
    const claims = verifyTokenSignature(SECRET, io.out().trim());
    expect(claims?.path).toBe('/live.webm');
    expect(claims?.expiresAt).toBeGreaterThanOrEqual(before + 60);
    expect(claims?.expiresAt).toBeLessThanOrEqual(after + 60);
  });

  it('takes an absolute expiry', async () => {
    const io = captureIO('', { TORSION_SECRET: SECRET });
    expect(await tokenCommand.run(['--expires-at', '2000000000', '--path', '/live/'], io)).toBe(0);
    expect(decodeToken(io.out().trim())).toEqual({ path: '/live/', expiresAt: 2_000_000_000 });
    expect(verifyTokenSignature('another secret, also long', io.out().trim())).toBeNull();
  });

  it('fails when TORSION_SECRET is unset or too short, printing nothing on stdout', async () => {
    for (const env of [{}, { TORSION_SECRET: '' }, { TORSION_SECRET: 'short' }]) {
      const io = captureIO('', env);
      expect(await tokenCommand.run(['--path', '/x', '--ttl', '5'], io)).toBe(1);
      expect(io.out()).toBe('');
      expect(io.err()).toMatch(/TORSION_SECRET/);
    }
  });

  it('refuses bad usage with exit status 2', async () => {
    const cases = [[], ['--path', '/x'], ['--path', 'x', '--ttl', '5'], ['--path', '/x', '--ttl', '0'], ['--path', '/x', '--ttl', '-5'],
      ['--path', '/x', '--ttl', '5', '--expires-at', '9'], ['--path'], ['--bogus'], ['--path', '/a\nb', '--ttl', '5']];
    for (const argv of cases) {
      const io = captureIO('', { TORSION_SECRET: SECRET });
      expect(await tokenCommand.run(argv, io), argv.join(' ')).toBe(2);
      expect(io.out()).toBe('');
      expect(io.err()).toMatch(/^torsion token: /);
    }
  });

  it('prints help', async () => {
    const io = captureIO();
    expect(await tokenCommand.run(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/Usage: torsion token --path/);
    expect(io.out()).toMatch(/TORSION_SECRET/);
  });
});
