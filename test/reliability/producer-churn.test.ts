/**
 * Producers that come and go for as long as the server runs: each Icecast-style producer
 * connection gets a pipeline of its own (`fdsrc` on the adopted socket, demux, decode), which is
 * disposed when the producer leaves. Those pipelines must be collected with their fds, or a server
 * whose producer reconnects every few minutes runs out of fds in the end. The server child runs
 * the heap probe with a GC every 250 ms, so collection is not left to chance; the test waits for
 * the fd count to come back to the baseline taken after the first producer, with a deadline.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fdCount, freePort, heapProbeEnv, startServe, tempDir, waitFor, writeConfig } from './helpers';

const dir = tempDir('torsion-producers-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PASSWORD = 'producer-churn-password';
const PRODUCERS = 15;

/** One producer: PUT the short WebM file (half a second of video and audio), wait for 200, send it all, close. Resolves on close. */
function produce(port: number, media: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const auth = Buffer.from(`source:${PASSWORD}`).toString('base64');
    const socket = connect(port, '127.0.0.1', () => socket.write(`PUT /ingest HTTP/1.0\r\nAuthorization: Basic ${auth}\r\n\r\n`));
    let answer = '';
    socket.on('data', (d: Buffer) => {
      if (answer !== '') return;
      answer = d.toString('latin1').split('\r\n')[0] ?? '';
      socket.end(media);
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

describe('producers coming and going', () => {
  it(`${PRODUCERS} producer connections leave the server's fds at the baseline`, async () => {
    const file = join(dir, 'short.webm');
    execFileSync('gst-launch-1.0', ['-q', 'webmmux', 'name=m', '!', 'filesink', `location=${file}`,
      'videotestsrc', 'num-buffers=5', '!', 'video/x-raw,width=160,height=120,framerate=10/1', '!', 'vp8enc', 'deadline=1', '!', 'm.',
      'audiotestsrc', 'num-buffers=22', '!', 'audioconvert', '!', 'vorbisenc', '!', 'm.'], { timeout: 30_000 });
    const media = readFileSync(file);
    const ingestPort = await freePort();
    const { server } = await startServe(writeConfig(dir, { source: { type: 'ingest', port: ingestPort, width: 160, height: 120, framerate: 10 } }),
      { TORSION_SOURCE_PASSWORD: PASSWORD, ...heapProbeEnv(join(dir, 'heap.jsonl'), 250, true) });
    const pid = server.child.pid as number;
    const left = (): number => (server.stderr().match(/"msg":"producer left"/g) ?? []).length;
    try {
      await server.waitForStderr(/"component":"source","kind":"ingest-source","from":"waking","to":"hungry"/, 20_000);
      expect(await produce(ingestPort, media)).toMatch(/ 200 /);
      await waitFor(() => left() === 1, 20_000, () => 'the first producer never left');
      const base = fdCount(pid);
      for (let i = 0; i < PRODUCERS; i++) {
        expect(await produce(ingestPort, media)).toMatch(/ 200 /);
        await waitFor(() => left() === i + 2, 20_000, () => `producer ${i + 2} never left`);
      }
      // Each producer pipeline held 2 bus fds (and its socket) until collected.
      await waitFor(() => fdCount(pid) <= base, 20_000, () => `server fds ${fdCount(pid)} > ${base} after ${PRODUCERS} producers`);
      expect(await server.stop(), server.stderr().slice(-3000)).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 120_000);
});
