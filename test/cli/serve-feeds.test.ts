/**
 * Components joined by GDP feeds across processes, end to end with real `torsion serve` processes:
 *  - a producer (`feeds:` set) offers its mounts; an edge (`source.type: relay`) serves them as they
 *    come, and a second server (`source.type: feed`) decodes the producer's WebM feed and encodes
 *    its own mounts from it (ingest over GDP). Real GStreamer clients decode every mount;
 *  - the producer is killed (SIGKILL) while the edge has a viewer: the edge's feeds turn hungry,
 *    the viewer stays connected, and once a producer is back on the same port the edge reconnects
 *    by itself and the same viewer receives more bytes, while a new viewer decodes from its first byte;
 *  - a wrong feed secret: the edge is refused, its feed turns sad (no endless redial), and it says why;
 *  - ingest over GDP pushed by the producer: `PUT /ingest` with `Content-Type: application/x-gdp`;
 *  - config errors: feeds without TORSION_FEED_SECRET.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveCommand } from '../../src/cli/commands/serve';
import { mintToken } from '../../src/protocols/index';
import { captureIO } from './io';
import { freePort, playedTail, playFrames, rawViewer, serve, type Played, type RawViewer, type ServeProcess } from '../components/helpers/serve';

const SECRET = 'feeds-test-secret-0123456789';
const FEED_SECRET = 'feed-secret-between-servers-0123';
const dir = mkdtempSync(join(tmpdir(), 'torsion-feeds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const token = (): string => mintToken(SECRET, '/', Math.floor(Date.now() / 1000) + 600);

function config(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

type Stats = { mood: string; components: Array<{ name: string; mood: string; moodDetail?: string; connections?: number; eaters?: string[] }> };

async function stats(port: number): Promise<Stats> {
  return await (await fetch(`http://127.0.0.1:${port}/stats?token=${token()}`)).json() as Stats;
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200)); // polling interval of an HTTP probe, not a synchronisation sleep
  }
}

function decodeWebm(port: number, path = '/live.webm'): Promise<Played> {
  return playFrames(`http://127.0.0.1:${port}${path}?token=${token()}`, 'webm');
}

function decodeOgg(port: number): Promise<Played> {
  return playFrames(`http://127.0.0.1:${port}/live.ogg?token=${token()}`, 'ogg');
}

/** After an upstream change: the edge viewer gets 20 kB more than `before`, stays connected, and a viewer joining now decodes. */
async function edgeStillServes(viewer: RawViewer, before: number, ePort: number): Promise<void> {
  await viewer.received(before + 20_000, 30_000);
  expect(viewer.socket.destroyed).toBe(false);
  const late = await decodeWebm(ePort);
  expect(late.frames, playedTail(late)).toBeGreaterThanOrEqual(5);
}

const env = { TORSION_SECRET: SECRET, TORSION_FEED_SECRET: FEED_SECRET };
const small = 'source: { width: 160, height: 120, framerate: 10 }';

describe('GDP feeds between torsion serve processes', () => {
  it('a producer feeds a relay edge and a transcoding server; both decode, and the edge survives a killed producer', async () => {
    const [pPort, fPort, ePort, tPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const producerConfig = config('producer.yaml', [small, `feeds: { port: ${fPort} }`]);
    const servers: ServeProcess[] = [];
    try {
      let producer = await serve(['--config', producerConfig, '--port', String(pPort)], env);
      servers.push(producer);
      expect(producer.banner).toMatch(new RegExp(`GDP feeds: +/live\\.webm, /live\\.ogg on port ${fPort}`));
      const edge = await serve(['--config', config('edge.yaml', [`source: { type: relay, port: ${fPort}, identity: edge-1 }`]), '--port', String(ePort)], env);
      servers.push(edge);
      const transcoder = await serve(['--config', config('transcoder.yaml', [
        `source: { type: feed, port: ${fPort}, feed: /live.webm, identity: transcoder, width: 160, height: 120, framerate: 10 }`,
        'mounts: [{ path: /live.webm }, { path: /live.ogg }]',
      ]), '--port', String(tPort)], env);
      servers.push(transcoder);

      const [ew, eo, tw, to] = await Promise.all([decodeWebm(ePort), decodeOgg(ePort), decodeWebm(tPort), decodeOgg(tPort)]);
      for (const [label, r] of [['edge webm', ew], ['edge ogg', eo], ['transcoder webm', tw], ['transcoder ogg', to]] as const) {
        expect(r.frames, `${label}: ${playedTail(r)}`).toBeGreaterThanOrEqual(5);
      }
      const p = await stats(pPort);
      const eaters = p.components.filter((c) => c.name.startsWith('feed-')).flatMap((c) => c.eaters ?? []).sort();
      expect(eaters).toEqual(['edge-1@/live.ogg', 'edge-1@/live.webm', 'transcoder@/live.webm']);
      expect((await stats(ePort)).components.find((c) => c.name === 'relay-live-webm')).toMatchObject({ mood: 'happy', connections: 1 });
      const producerMetrics = await (await fetch(`http://127.0.0.1:${pPort}/metrics?token=${token()}`)).text();
      expect(producerMetrics).toMatch(/^torsion_feed_eaters\{feed="\/live\.webm"\} 2$/m);
      expect(producerMetrics).toMatch(/^torsion_feed_eaters\{feed="\/live\.ogg"\} 1$/m);

      // Kill the producer under a streaming edge viewer.
      const viewer = await rawViewer(ePort, `/live.webm?token=${token()}`);
      await viewer.received(viewer.head.length + 5000);
      producer.child.kill('SIGKILL');
      await edge.waitForStderr(/"component":"relay-live-webm".*"to":"hungry".*lost \/live\.webm/, 20_000);
      expect(viewer.socket.destroyed).toBe(false);
      const before = viewer.bytes();

      // A producer comes back on the same ports: the edge reconnects on its own.
      producer = await serve(['--config', producerConfig, '--port', String(pPort)], env);
      servers.push(producer);
      await until(() => stats(ePort), (s) => s.components.find((c) => c.name === 'relay-live-webm')?.connections === 2, 30_000,
        'the edge did not reconnect');
      await edgeStillServes(viewer, before, ePort);
      const edgeMetrics = await (await fetch(`http://127.0.0.1:${ePort}/metrics?token=${token()}`)).text();
      expect(edgeMetrics).toMatch(/^torsion_feed_connections_total\{component="relay-live-webm",feed="\/live\.webm"\} 2$/m);
      viewer.socket.destroy();

      for (const s of servers.slice(1)) expect(await s.stop(), s.stderr().slice(-2000)).toBe(0);
    } finally {
      for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    }
  }, 180_000);

  it('an edge with a stand-in producer (source.fallbacks) moves to it when its producer dies; its viewer keeps receiving', async () => {
    const [p1Port, f1Port, p2Port, f2Port, ePort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const servers: ServeProcess[] = [];
    try {
      const mounts = 'mounts: [{ path: /live.webm }]';
      const first = await serve(['--config', config('main.yaml', [small, `feeds: { port: ${f1Port} }`, mounts]), '--port', String(p1Port)], env);
      servers.push(first);
      servers.push(await serve(['--config', config('standin.yaml', [small, `feeds: { port: ${f2Port} }`, mounts]), '--port', String(p2Port)], env));
      const edge = await serve(['--config', config('failover-edge.yaml', [
        `source: { type: relay, port: ${f1Port}, identity: edge-f, fallbacks: ["127.0.0.1:${f2Port}"] }`, mounts]), '--port', String(ePort)], env);
      servers.push(edge);
      type Relay = { mood: string; connections?: number; upstream?: string; upstreams?: string[] };
      const relay = async (): Promise<Relay | undefined> => (await stats(ePort)).components.find((c) => c.name === 'relay-live-webm') as Relay | undefined;
      await until(relay, (r) => r?.mood === 'happy', 30_000, 'the edge never fed from its first producer');
      expect(await relay()).toMatchObject({ upstream: `127.0.0.1:${f1Port}`, upstreams: [`127.0.0.1:${f1Port}`, `127.0.0.1:${f2Port}`] });

      const viewer = await rawViewer(ePort, `/live.webm?token=${token()}`);
      await viewer.received(viewer.head.length + 5000);
      first.child.kill('SIGKILL');
      // No producer comes back on the first address: the edge dials the stand-in, the viewer goes on.
      const moved = await until(relay, (r) => r?.connections === 2 && r.mood === 'happy', 30_000, 'the edge did not move to the stand-in');
      expect(moved?.upstream).toBe(`127.0.0.1:${f2Port}`);
      await edgeStillServes(viewer, viewer.bytes(), ePort);
      viewer.socket.destroy();
      for (const s of servers.slice(1)) expect(await s.stop(), s.stderr().slice(-2000)).toBe(0);
    } finally {
      for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    }
  }, 120_000);

  it('a feed source whose upstream has no video: sad with the reason where a mount needs video; audio-only mounts play it', async () => {
    const [pPort, fPort, vPort, aPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const servers: ServeProcess[] = [];
    try {
      servers.push(await serve(['--config', config('radio.yaml', [small, `feeds: { port: ${fPort} }`,
        'mounts: [{ path: /radio.ogg, video: null, audio: vorbis }]']), '--port', String(pPort)], env));
      const source = `source: { type: feed, port: ${fPort}, feed: /radio.ogg, width: 160, height: 120, framerate: 10 }`;
      const video = await serve(['--config', config('needs-video.yaml', [source, 'mounts: [{ path: /tv.webm }]']), '--port', String(vPort)], env);
      servers.push(video);
      const audio = await serve(['--config', config('audio-only.yaml', [source, 'mounts: [{ path: /r.ogg, video: null, audio: vorbis }]']),
        '--port', String(aPort)], env);
      servers.push(audio);
      const sad = await until(() => stats(vPort), (s) => s.components.find((c) => c.name === 'source')?.mood === 'sad', 30_000,
        'the feed source never said the feed has no video');
      expect(sad.components.find((c) => c.name === 'source')?.moodDetail).toBe('/radio.ogg has no video, which this server\'s mounts need');
      expect(video.stderr()).toMatch(/"msg":"feed lacks a stream","component":"source","feed":"\/radio\.ogg","missing":\["video"\]/);
      const play = await playFrames(`http://127.0.0.1:${aPort}/r.ogg?token=${token()}`, 'ogg-audio');
      expect(play.frames, playedTail(play)).toBeGreaterThanOrEqual(5);
      expect((await stats(aPort)).components.find((c) => c.name === 'source')?.mood).toBe('happy');
      for (const s of servers) expect(await s.stop(), s.stderr().slice(-2000)).toBe(0);
    } finally {
      for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    }
  }, 120_000);

  it('an edge with the wrong feed secret is refused, turns sad with the reason, and stops dialling', async () => {
    const [pPort, fPort, ePort] = await Promise.all([freePort(), freePort(), freePort()]);
    const servers: ServeProcess[] = [];
    try {
      servers.push(await serve(['--config', config('p2.yaml', [small, `feeds: { port: ${fPort} }`, 'mounts: [{ path: /live.webm }]']),
        '--port', String(pPort)], env));
      const edge = await serve(['--config', config('e2.yaml', [`source: { type: relay, port: ${fPort} }`, 'mounts: [{ path: /live.webm }]']),
        '--port', String(ePort)], { ...env, TORSION_FEED_SECRET: 'not-the-feed-secret-0123456789' });
      servers.push(edge);
      const s = await until(() => stats(ePort), (v) => v.components.some((c) => c.mood === 'sad'), 20_000, 'the edge never turned sad');
      expect(s.components.find((c) => c.name === 'relay-live-webm')?.moodDetail).toMatch(/refused us/);
      expect((await fetch(`http://127.0.0.1:${ePort}/live.webm?token=${token()}`)).status).toBe(503);
      const p = await stats(pPort);
      expect(p.components.find((c) => c.name === 'feed-0')?.eaters).toEqual([]);
      for (const server of servers) expect(await server.stop(), server.stderr().slice(-2000)).toBe(0);
    } finally {
      for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 90_000);

  it('a producer pushes a GDP stream to the ingest point (Content-Type: application/x-gdp); both mounts decode it', async () => {
    const [port, ingestPort] = await Promise.all([freePort(), freePort()]);
    const server = await serve(['--config', config('gdp-ingest.yaml', [`source: { type: ingest, port: ${ingestPort}, width: 160, height: 120, framerate: 10 }`]),
      '--port', String(port)], { TORSION_SECRET: SECRET, TORSION_SOURCE_PASSWORD: 'producer-password' });
    let producer: ChildProcess | null = null;
    try {
      const socket = await new Promise<Socket>((resolve, reject) => {
        const s = connect(ingestPort, '127.0.0.1', () => s.write('PUT /ingest HTTP/1.0\r\nContent-Type: application/x-gdp\r\n'
          + `Authorization: Basic ${Buffer.from('source:producer-password').toString('base64')}\r\n\r\n`));
        s.once('error', reject);
        s.once('data', (d: Buffer) => (d.toString('latin1').startsWith('HTTP/1.0 200') ? resolve(s) : reject(new Error(d.toString('latin1')))));
      });
      // GDP carries the caps and timestamps: the producer sends a muxed WebM stream, gdppay'd, into the socket (fd 3).
      producer = spawn('gst-launch-1.0', ['-q', 'videotestsrc', 'is-live=true', '!', 'video/x-raw,width=160,height=120,framerate=10/1',
        '!', 'vp8enc', 'deadline=1', '!', 'webmmux', 'name=m', 'streamable=true', '!', 'gdppay', '!', 'fdsink', 'fd=3',
        'audiotestsrc', 'is-live=true', '!', 'audioconvert', '!', 'vorbisenc', '!', 'm.'], { stdio: ['ignore', 'ignore', 'pipe', socket] });
      socket.destroy(); // the child holds its own copy of the fd
      await server.waitForStderr(/"msg":"producer connected","component":"source".*"format":"gdp"/, 20_000);
      const [webm, ogg] = await Promise.all([decodeWebm(port), decodeOgg(port)]);
      expect(webm.frames, playedTail(webm)).toBeGreaterThanOrEqual(5);
      expect(ogg.frames, playedTail(ogg)).toBeGreaterThanOrEqual(5);
      expect((await stats(port)).components[0]).toMatchObject({ name: 'source', mood: 'happy', format: 'gdp' });
      producer.kill('SIGKILL');
      await server.waitForStderr(/"msg":"producer left","component":"source"/, 20_000);
      expect(await server.stop(), server.stderr().slice(-2000)).toBe(0);
    } finally {
      if (producer !== null && producer.exitCode === null) producer.kill('SIGKILL');
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 90_000);

  it('refuses feed configurations it cannot run, naming the setting', async () => {
    let io = captureIO('', { TORSION_SECRET: SECRET });
    expect(await serveCommand.run(['--config', config('nosecret.yaml', ['feeds: { port: 0 }']), '--port', '0'], io)).toBe(1);
    expect(io.err()).toMatch(/feeds: GDP feeds need a secret shared with the other servers \(TORSION_FEED_SECRET\)/);
    io = captureIO();
    expect(await serveCommand.run(['--config', config('badfeed.yaml', ['source: { type: relay, feed: /x.webm }']), '--check'], io)).toBe(2);
    expect(io.err()).toMatch(/source\.feed: a relay eats each mount's own path/);
    io = captureIO();
    expect(await serveCommand.run(['--config', config('badhost.yaml', ['source: { type: test, host: example.org }']), '--check'], io)).toBe(2);
    expect(io.err()).toMatch(/source\.host: is only for source\.type feed or relay/);
  });
});
