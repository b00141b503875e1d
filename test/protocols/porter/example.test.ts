/**
 * Smoke test of examples/porter: starts `main.ts` on a free port, reads the printed URLs, checks a
 * streamer's identity page, a WebM stream, the porter's own 404, then SIGTERM: the porter stops its
 * streamers and exits 0 with "stopped", and no streamer process is left. Waits on output and exit
 * events with deadlines.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../../examples/porter/main.ts', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'torsion-porter-example-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function curl(url: string, maxTime: number): Promise<{ code: number; status: string; body: Buffer }> {
  const out = join(tmp, `b${Math.random().toString(36).slice(2)}`);
  return new Promise((resolve) => {
    execFile('curl', ['-s', '-o', out, '-w', '%{http_code}', '--max-time', String(maxTime), url], (error, stdout) => {
      let body = Buffer.alloc(0);
      try { body = readFileSync(out); } catch { /* none */ }
      resolve({ code: error === null ? 0 : Number((error as { code?: number }).code ?? -1), status: stdout, body });
    });
  });
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

describe('examples/porter', () => {
  it('serves three streamers behind one port and stops cleanly', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', main], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const listening = new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no "listening" line within 30 s; stderr: ${err.slice(-2000)}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/Press Ctrl-C/.test(out)) { clearTimeout(t); resolve(out); }
      });
    });
    try {
      const printed = await listening;
      const base = /listening on (http:\/\/[0-9.:]+)/.exec(printed)?.[1] as string;
      const pids = [...printed.matchAll(/pid (\d+)\s+http/g)].map((m) => Number(m[1]));
      expect(pids).toHaveLength(3);

      const smpte = await curl(`${base}/smpte`, 10);
      expect(smpte.body.toString()).toMatch(new RegExp(`^streamer smpte, pid ${pids[1]}, path /smpte`));
      const snow = await curl(`${base}/snow/anything`, 10);
      expect(snow.body.toString()).toContain(`streamer snow, pid ${pids[2]}`);
      expect((await curl(`${base}/nope`, 10)).status).toBe('404');
      const webm = await curl(`${base}/ball.webm`, 2);
      expect(webm.code).toBe(28); // live: stopped by --max-time
      expect([...webm.body.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);

      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('porter did not exit within 15 s')), 15_000);
        void exited.then((c) => { clearTimeout(t); resolve(c); });
      });
      expect(code).toBe(0);
      expect(out).toContain('stopped');
      expect(pids.filter(alive)).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
