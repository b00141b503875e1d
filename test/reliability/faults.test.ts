/**
 * Faults against a real `torsion serve`:
 *  - a recording fails mid-stream (it writes into a FIFO whose reader goes away: EPIPE on the
 *    recorder's fd): the recorder turns sad, viewers keep streaming, new ones are served, and the
 *    recorder recovers into the next file;
 *  - SIGTERM during heavy load (300 streaming viewers plus a churn of mixed clients): the process
 *    exits 0 within 15 s, every viewer is closed by the server, and no client is left hanging.
 * (A pipeline that fails at start — sad, 503, restarts with backoff — is test/cli/serve.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, rmSync, statSync, type ReadStream } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { churn, servesAViewer, startServe, tempDir, token, waitFor, writeConfig } from './helpers';
import { rawViewer, type RawViewer } from '../components/helpers/serve';

const dir = tempDir('torsion-faults-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Opens the FIFO for reading (in libuv's pool, so it waits for the writer) and drains it. */
function drain(fifo: string): { stream: ReadStream; bytes: () => number } {
  const stream = createReadStream(fifo);
  let n = 0;
  stream.on('data', (c) => { n += c.length; });
  stream.on('error', () => undefined);
  return { stream, bytes: () => n };
}

describe('faults', () => {
  it('a recording that fails mid-stream (its FIFO reader goes away) turns the recorder sad, not the viewers, and it recovers', async () => {
    const fifo = join(dir, 'record.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = drain(fifo); // the recorder's open() waits for a reader
    const { server, port } = await startServe(writeConfig(dir, {
      mounts: [{ path: '/live.webm' }], recordings: [{ mount: '/live.webm', file: fifo }],
    }, 'fifo.json'));
    const t = token('/', 600);
    const viewers: RawViewer[] = [];
    try {
      await waitFor(() => reader.bytes() > 1000, 20_000, () => `the recording wrote ${reader.bytes()} bytes`);
      for (let i = 0; i < 5; i++) viewers.push(await rawViewer(port, `/live.webm?token=${t}`));
      await Promise.all(viewers.map((v) => v.received(v.head.length + 2000)));
      // The reader goes away: the recorder's next write fails with EPIPE.
      reader.stream.destroy();
      await server.waitForStderr(/"msg":"recording ended","component":"disk-0".*"reason":"error"/, 20_000);
      // The viewers keep streaming: 3,000 more bytes each, and a new viewer is served.
      await Promise.all(viewers.map((v) => v.received(v.bytes() + 3000, 20_000)));
      expect(await servesAViewer(port, `/live.webm?token=${t}`)).toBe(true);
      // Only the recorder turns sad, naming the file; it tries the next file 5 s later (a regular
      // file, record-1.fifo) and is happy again once that is written to.
      await server.waitForStderr(/"msg":"component mood","component":"disk-0".*"to":"sad","reason":"cannot write [^"]*record\.fifo/, 20_000);
      const stats = await (await fetch(`http://127.0.0.1:${port}/stats?token=${t}`)).json() as {
        mounts: Array<{ mood: string }>; components: Array<{ name: string; mood: string; failures?: number; lastFailure?: string }> };
      expect(stats.mounts[0]?.mood).toBe('happy');
      expect(stats.components.filter((c) => c.name !== 'disk-0').every((c) => c.mood === 'happy')).toBe(true);
      const recorder = stats.components.find((c) => c.name === 'disk-0');
      expect(recorder?.failures).toBe(1);
      expect(recorder?.lastFailure).toMatch(/^cannot write .*record\.fifo/);
      await server.waitForStderr(/"msg":"component mood","component":"disk-0".*"from":"sad","to":"happy"/, 20_000);
      expect(statSync(join(dir, 'record-1.fifo')).size).toBeGreaterThan(0);
      expect(await server.stop(), server.stderr().slice(-3000)).toBe(0);
    } finally {
      for (const v of viewers) v.socket.destroy();
      reader.stream.destroy();
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 90_000);

  it('SIGTERM under heavy load exits 0 within 15 s and closes every viewer', async () => {
    const { server, port } = await startServe(writeConfig(dir, {}, 'load.json'));
    const t = token('/', 600);
    const viewers: RawViewer[] = [];
    try {
      for (let i = 0; i < 300; i++) viewers.push(await rawViewer(port, `${i % 2 === 0 ? '/live.webm' : '/live.ogg'}?token=${t}`));
      expect(viewers.every((v) => /^HTTP\/1\.[01] 200/.test(v.head))).toBe(true);
      await Promise.all(viewers.slice(0, 10).map((v) => v.received(v.head.length + 1000)));
      const closed = viewers.map((v) => new Promise<void>((r) => { v.socket.on('close', () => r()); v.socket.on('error', () => undefined); }));
      // A churn of mixed clients still arriving while the signal lands.
      const load = churn(port, 100_000, 24, t);
      await new Promise<void>((r) => setTimeout(r, 500)); // let the churn get going (load, not synchronisation)
      const started = Date.now();
      const code = await server.stop(15_000);
      const seconds = (Date.now() - started) / 1000;
      console.log(`sigterm under load: exit ${code} after ${seconds.toFixed(2)} s`);
      expect(code, server.stderr().slice(-3000)).toBe(0);
      await Promise.race([Promise.all(closed), new Promise((_, rej) => setTimeout(() => rej(new Error('viewers left open')), 10_000))]);
      // Every churn client finishes (refused, closed or connection refused), none hangs.
      const done = await load;
      expect(done.results.size).toBeGreaterThan(0);
    } finally {
      for (const v of viewers) v.socket.destroy();
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 120_000);
});
