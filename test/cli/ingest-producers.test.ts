/**
 * Producers of every shape against a real `torsion serve` with an ingest source: a stream with
 * video only and one with audio only are decoded (the unused branch of the producer pipeline is
 * removed, so it does not wait for a stream that never comes) and end cleanly; a producer that
 * authenticates and then sends nothing, and one that stops sending mid-stream, are dropped after
 * `source.stallTimeout`, so neither can hold the one producer slot: the next producer gets 200.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { freePort, startServe, tempDir, token, waitFor, writeConfig } from '../reliability/helpers';

const dir = tempDir('torsion-ingest-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PASSWORD = 'ingest-producers-password';

/** A short WebM file made by gst-launch with the given branches. */
function webm(name: string, branches: string[]): Buffer {
  const file = join(dir, name);
  execFileSync('gst-launch-1.0', ['-q', 'webmmux', 'name=m', '!', 'filesink', `location=${file}`, ...branches.flatMap((b) => [...b.split(' '), '!', 'm.'])],
    { timeout: 30_000 });
  return readFileSync(file);
}
const VIDEO = 'videotestsrc num-buffers=10 ! video/x-raw,width=160,height=120,framerate=10/1 ! vp8enc deadline=1';
const AUDIO = 'audiotestsrc num-buffers=43 ! audioconvert ! vorbisenc';

/** Authenticate as the producer; resolves with the socket and the status line. */
function producer(port: number): Promise<{ socket: Socket; status: string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const auth = Buffer.from(`source:${PASSWORD}`).toString('base64');
    const socket = connect(port, '127.0.0.1', () => socket.write(`PUT /ingest HTTP/1.0\r\nAuthorization: Basic ${auth}\r\n\r\n`));
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.once('data', (d: Buffer) => resolve({ socket, status: d.toString('latin1').split('\r\n')[0] ?? '', closed }));
    socket.on('error', reject);
  });
}

describe('ingest producers of every shape', () => {
  it('takes video-only and audio-only streams, and drops silent and stalled producers after the stall timeout', async () => {
    const media = { video: webm('video.webm', [VIDEO]), audio: webm('audio.webm', [AUDIO]), both: webm('both.webm', [VIDEO, AUDIO]) };
    const ingestPort = await freePort();
    const { server, port } = await startServe(writeConfig(dir, { source: { type: 'ingest', port: ingestPort, width: 160, height: 120, framerate: 10,
      stallTimeout: 1 } }), { TORSION_SOURCE_PASSWORD: PASSWORD });
    const t = token('/', 600);
    const lines = (re: RegExp): string[] => server.stderr().split('\n').filter((l) => re.test(l));
    const left = (): string[] => lines(/"msg":"producer left"/);
    const stats = async (): Promise<Record<string, unknown>> => {
      const s = await (await fetch(`http://127.0.0.1:${port}/stats?token=${t}`)).json() as { components: Array<Record<string, unknown>> };
      return s.components[0] ?? {};
    };
    try {
      await server.waitForStderr(/"component":"source","kind":"ingest-source","from":"waking","to":"hungry"/, 20_000);
      for (const [kind, expected, n] of [['video', '["video"]', 1], ['audio', '["audio"]', 2]] as const) {
        const p = await producer(ingestPort);
        expect(p.status).toMatch(/ 200 /);
        p.socket.write(media[kind]);
        await waitFor(() => lines(/"msg":"producer streams"/).length === n, 10_000, () => `no stream collection for the ${kind}-only producer: ${server.stderr().slice(-2500)}`);
        expect(lines(/"msg":"producer streams"/)[n - 1]).toContain(`"streams":${expected}`);
        expect(await stats()).toMatchObject({ producers: n, streams: JSON.parse(expected) as string[] });
        p.socket.end();
        // It plays to its end (not stuck waiting for the missing branch), then the slot is free.
        await waitFor(() => left().length === n, 15_000, () => `the ${kind}-only producer never ended: ${server.stderr().slice(-1500)}`);
        expect(left()[n - 1]).toContain('"why":"end of stream"');
        await p.closed;
      }

      // Silent from the start: authenticated, then nothing.
      const silent = await producer(ingestPort);
      expect(silent.status).toMatch(/ 200 /);
      await waitFor(() => left().length === 3, 10_000, () => 'the silent producer was never dropped');
      expect(left()[2]).toContain('"why":"no data for 1 s"');
      await silent.closed;

      // Stalled mid-stream: the head of a stream, then nothing, connection held open.
      const stalled = await producer(ingestPort);
      expect(stalled.status).toMatch(/ 200 /);
      stalled.socket.write(media.both.subarray(0, 4096));
      await waitFor(() => left().length === 4, 10_000, () => 'the stalled producer was never dropped');
      expect(left()[3]).toContain('"why":"no data for 1 s"');
      await stalled.closed;

      // The slot is free: a whole stream plays.
      const last = await producer(ingestPort);
      expect(last.status).toMatch(/ 200 /);
      last.socket.end(media.both);
      await waitFor(() => left().length === 5, 15_000, () => 'the last producer never ended');
      expect(left()[4]).toContain('"why":"end of stream"');
      expect(lines(/"msg":"producer streams"/).at(-1)).toContain('"streams":["video","audio"]');
      expect(await server.stop(), server.stderr().slice(-3000)).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 120_000);
});
