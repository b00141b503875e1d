/**
 * `npm start -- --tls` (and TORSION_TLS=1): the demo makes a self-signed certificate in a private
 * temporary directory and opens an HTTPS port. curl trusts exactly that certificate (`--cacert`,
 * not `-k`) to fetch `/stats` and the WebM stream over HTTPS; without it curl refuses the
 * certificate. SIGTERM → exit 0 and the directory is gone; a start that fails (the TLS port is
 * taken) exits 1 and removes it too.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitForOutput } from './helpers';

const root = fileURLToPath(new URL('../..', import.meta.url));

function curl(args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', ...args], { timeout: 20_000, encoding: 'buffer', maxBuffer: 8 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr: stderr.toString() }));
  });
}

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('npm start -- --tls (the demo with a self-signed certificate)', () => {
  it('serves /stats and the stream over HTTPS to a client trusting the generated certificate, and cleans up on SIGTERM', async () => {
    const child = spawn('npm', ['start', '--silent', '--', '--tls'], {
      cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: '0', TLS_PORT: '0', TORSION_SECRET: 'tls-smoke-secret-0123456789', TORSION_LOG_LEVEL: 'warn' },
    });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const [banner] = await waitForOutput(child.stdout, /certificate[^\n]*: (\S+cert\.pem)[\s\S]*\(pid \d+\)[\s\S]*HTTPS: +\S+/, 60_000);
      const serverPid = Number(/\(pid (\d+)\)/.exec(banner)?.[1]);
      const cert = /certificate[^\n]*: (\S+cert\.pem)/.exec(banner)?.[1] as string;
      const [, httpsBase, token] = /HTTPS: +(https:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+)/.exec(banner) as RegExpExecArray;
      const dir = dirname(cert);
      expect(mode(dir)).toBe(0o700);
      expect(mode(`${dir}/key.pem`)).toBe(0o600);

      const stats = await curl(['--cacert', cert, '-w', '\n%{http_code}', `${httpsBase}/stats?token=${token}`]);
      expect(stats.code, stats.stderr).toBe(0);
      const text = stats.stdout.toString();
      const json = text.slice(0, text.lastIndexOf('\n'));
      expect(text.slice(text.lastIndexOf('\n') + 1)).toBe('200');
      expect((JSON.parse(json) as { mounts: Array<{ path: string }> }).mounts.map((m) => m.path).sort()).toEqual(['/live.ogg', '/live.webm']);
      // The stream over HTTPS starts with the WebM (EBML) header.
      const webm = await curl(['--cacert', cert, '--max-time', '3', '-o', '-', `${httpsBase}/live.webm?token=${token}`]);
      expect(webm.code, webm.stderr).toBe(28); // a live stream never ends: curl stops it after 3 s
      expect(webm.stdout.length).toBeGreaterThan(1000);
      expect(webm.stdout.subarray(0, 4).toString('hex')).toBe('1a45dfa3');
      // Without trusting that certificate, curl refuses it (60: peer certificate cannot be authenticated).
      expect((await curl([`${httpsBase}/stats?token=${token}`])).code).toBe(60);

      process.kill(serverPid, 'SIGTERM');
      const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('hung'), 20_000))]);
      expect(code, stderr).toBe(0);
      expect(stdout).toContain('stopped');
      expect(existsSync(dir)).toBe(false);
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    }
  }, 120_000);

  it('exits 1 and removes the certificate when the TLS port is taken (TORSION_TLS=1)', async () => {
    const blocker = createServer();
    const taken = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as AddressInfo).port)));
    const tmp = mkdtempSync(join(tmpdir(), 'torsion-tls-test-')); // the child's TMPDIR: where its certificate goes
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'examples/stream-server/main.ts'], {
        cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TMPDIR: tmp, PORT: '0', TLS_PORT: String(taken), TORSION_TLS: '1', TORSION_SECRET: 'tls-smoke-secret-0123456789',
          TORSION_LOG_LEVEL: 'warn' },
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
      child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
      const code = await Promise.race([new Promise<number | null>((r) => child.on('exit', (c) => r(c))),
        new Promise<string>((r) => setTimeout(() => { child.kill('SIGKILL'); r('hung'); }, 60_000))]);
      expect(code, out).toBe(1);
      expect(out).toMatch(new RegExp(`stream server failed to start: .*${taken}`));
      expect(out).not.toMatch(/Press Ctrl-C/);
      expect(readdirSync(tmp).filter((n) => n.startsWith('torsion-tls-'))).toEqual([]); // (tsx keeps its cache there too)
    } finally {
      blocker.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 90_000);
});
