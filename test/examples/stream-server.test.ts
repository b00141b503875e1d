/**
 * `npm start` is smoke-tested as a user runs it: start it, read the URLs it prints, fetch `/stats`,
 * check 401 without a token, play the WebM mount through a real GStreamer HTTP client
 * (souphttpsrc → matroskademux → vp8dec) and count frames, then SIGTERM and expect exit 0.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitForOutput } from './helpers';
import { playedTail, playFrames } from '../components/helpers/serve';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('npm start (the example stream server)', () => {
  it('serves /stats and a decodable WebM stream to token holders, 401 to others, and exits 0 on SIGTERM', async () => {
    const child = spawn('npm', ['start', '--silent'], {
      cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: '0', TORSION_SECRET: 'smoke-test-secret-0123456789', TORSION_LOG_LEVEL: 'warn' },
    });
    let stderr = '';
    let stdout = '';
    let serverPid = 0;
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const [banner] = await waitForOutput(child.stdout, /\(pid \d+\)[\s\S]*status page:[\s\S]*WebM: +\S+/, 60_000);
      serverPid = Number(/\(pid (\d+)\)/.exec(banner)?.[1]);
      const [, base, token] = /status page: (http:\/\/[^/\s]+)\/\?token=(\S+)/.exec(banner) as RegExpExecArray;
      const [, webm = ''] = /WebM: +(\S+)/.exec(banner) as RegExpExecArray;

      const stats = await fetch(`${base}/stats?token=${token}`);
      expect(stats.status).toBe(200);
      const body = await stats.json() as { mounts: Array<{ path: string }> };
      expect(body.mounts.map((m) => m.path).sort()).toEqual(['/live.ogg', '/live.webm']);

      expect((await fetch(`${base}/live.webm`)).status).toBe(401);
      expect((await fetch(`${base}/stats`)).status).toBe(401);
      expect((await fetch(`${base}/nowhere?token=${token}`)).status).toBe(404);

      const play = await playFrames(webm, 'webm', 5, 30_000);
      expect(play.frames, playedTail(play)).toBeGreaterThanOrEqual(5);
      // SIGTERM to the server process, as a service manager sends it: a graceful stop, exit 0,
      // which npm passes on.
      process.kill(serverPid, 'SIGTERM');
      const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('hung'), 20_000))]);
      expect(code, stderr).toBe(0);
      expect(stdout).toContain('stopped');
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    }
  }, 120_000);
});
