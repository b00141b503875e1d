/**
 * Redirect-on-overflow between two real `torsion serve` processes: server A takes one viewer per
 * mount and sends the next to server B (`overflowRedirect`) with `302 Found`, its path and token
 * kept; B (same secret) serves it, and GStreamer's souphttpsrc, following the redirect, decodes
 * frames from A's URL. (Without the setting the same request gets 503: test/cli/serve.test.ts.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/protocols/index';
import { freePort, playedTail, playFrames, rawViewer, serve, type ServeProcess } from '../components/helpers/serve';

const SECRET = 'overflow-test-secret-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'torsion-overflow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, body: Record<string, unknown>): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ source: { width: 160, height: 120, framerate: 10 }, mounts: [{ path: '/live.webm' }], ...body }));
  return file;
}

describe('redirect-on-overflow', () => {
  it('a full server sends the next viewer to another with 302 (path and token kept), and the client plays from there', async () => {
    const [aPort, bPort] = [await freePort(), await freePort()];
    const servers: ServeProcess[] = [];
    try {
      const b = await serve(['--config', config('b.json', {}), '--port', String(bPort)], { TORSION_SECRET: SECRET });
      servers.push(b);
      const a = await serve(['--config', config('a.json', { maxViewers: 1, overflowRedirect: `http://127.0.0.1:${bPort}` }), '--port', String(aPort)],
        { TORSION_SECRET: SECRET });
      servers.push(a);
      const token = mintToken(SECRET, '/', Math.floor(Date.now() / 1000) + 120);
      const first = await rawViewer(aPort, `/live.webm?token=${token}`);
      expect(first.head).toMatch(/^HTTP\/1\.[01] 200/);

      const second = await fetch(`http://127.0.0.1:${aPort}/live.webm?token=${token}`, { redirect: 'manual' });
      expect(second.status).toBe(302);
      expect(second.headers.get('location')).toBe(`http://127.0.0.1:${bPort}/live.webm?token=${token}`);
      await second.body?.cancel();

      const play = await playFrames(`http://127.0.0.1:${aPort}/live.webm?token=${token}`, 'webm');
      expect(play.frames, playedTail(play)).toBeGreaterThanOrEqual(5);
      expect(play.code, playedTail(play)).toBe(0);
      const stats = async (port: number): Promise<{ mounts: Array<{ served: number; refused: number; redirected: number }> }> =>
        await (await fetch(`http://127.0.0.1:${port}/stats?token=${token}`)).json() as { mounts: Array<{ served: number; refused: number; redirected: number }> };
      expect((await stats(aPort)).mounts[0]).toMatchObject({ served: 1, refused: 2, redirected: 2 });
      expect((await stats(bPort)).mounts[0]?.served).toBe(1);
      first.socket.destroy();
      for (const s of servers) expect(await s.stop(), s.stderr().slice(-2000)).toBe(0);
    } finally {
      for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    }
  }, 90_000);
});
