/**
 * The porter end to end: this test process runs the porter (NodeReactor) on a public TCP port in
 * front of three streamer processes it forks (test/protocols/porter/fixtures/streamer.ts) — two
 * plain ones and one serving a live WebM stream through FdSink — and checks with real clients
 * (curl, GStreamer's souphttpsrc, raw sockets) that each path reaches its own process, that the
 * media decodes, that bytes sent with the request line survive the pass, 404/503, and that the
 * porter's fds return to baseline after 100 connections. Waits on events with deadlines; no sleeps.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deferred } from '../../../src/defer/deferred';
import { captureLogs } from '../../../src/log';
import { Porter } from '../../../src/protocols/porter/index';
import { NodeReactor } from '../../../src/reactor/index';
import type { ListeningPort, TCPAddress } from '../../../src/reactor/index';
import { playedTail, playFrames } from '../../components/helpers/serve';

const fixture = fileURLToPath(new URL('./fixtures/streamer.ts', import.meta.url));
const execArgv = ['--import', 'tsx'];
const streamers = [
  { name: 'A', paths: ['/a'], modulePath: fixture, args: ['A', 'text', '/a'], execArgv },
  { name: 'B', paths: ['/b', '/b/'], modulePath: fixture, args: ['B', 'text', '/b', '/b/'], execArgv },
  { name: 'C', paths: ['/live.webm', '/c'], modulePath: fixture, args: ['C', 'media', '/live.webm', '/c'], execArgv },
];

const logs = captureLogs();
const reactor = new NodeReactor();
let stopped: Deferred<void>;
let porter: Porter;
let listening: ListeningPort;
let port = 0;
const tmp = mkdtempSync(join(tmpdir(), 'torsion-porter-'));

/** Fires `d` into a Promise that rejects after `seconds` (real time, via the reactor). */
function within<T>(d: PromiseLike<T>, seconds: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = reactor.callLater(seconds, () => reject(new Error(`${what}: not within ${seconds} s`)));
    d.then((v) => { if (timer.active()) timer.cancel(); resolve(v); }, (e: unknown) => { if (timer.active()) timer.cancel(); reject(e); });
  });
}

/** Waits until `ok()` holds, checking on each reactor turn (every 20 ms), for at most `seconds`. */
function until(ok: () => boolean, seconds: number, what: string): Promise<void> {
  return within(new Promise<void>((resolve) => {
    const check = (): void => { if (ok()) resolve(); else reactor.callLater(0.02, check); };
    check();
  }), seconds, what);
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 8 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

async function curl(path: string, maxTime = 10): Promise<{ code: number; status: number; body: Buffer }> {
  const out = join(tmp, `body-${Math.random().toString(36).slice(2)}`);
  const r = await run('curl', ['-s', '-o', out, '-w', '%{http_code}', '--max-time', String(maxTime), `http://127.0.0.1:${port}${path}`], (maxTime + 5) * 1000);
  let body = Buffer.alloc(0);
  try { body = readFileSync(out); } catch { /* no body */ }
  return { code: r.code, status: Number(r.stdout), body };
}

/** A raw client: writes `chunks` (each as its own write), returns everything the server sent. */
function raw(chunks: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      s.setNoDelay(true);
      for (const c of chunks) s.write(c);
    });
    const got: Buffer[] = [];
    s.on('data', (d: Buffer) => got.push(d));
    s.on('end', () => { s.destroy(); resolve(Buffer.concat(got).toString('utf8')); });
    s.on('error', reject);
  });
}

/**
 * The porter's open sockets (this process). Only sockets: what the porter could leak is a passed
 * connection's fd, and counting everything picked up eventfds/pipes that libuv and GLib open lazily.
 */
function socketCount(): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try { return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:'); } catch { return false; }
  }).length;
}

beforeAll(async () => {
  stopped = reactor.run({ installSignalHandlers: false });
  porter = new Porter({ time: reactor, streamers: streamers.map((s) => ({ ...s, output: 'inherit' as const })) });
  await within(porter.start(), 30, 'streamers ready');
  listening = await within(reactor.listenTCP(0, porter.factory, { interface: '127.0.0.1' }), 5, 'listen');
  port = (listening.getHost() as TCPAddress).port;
}, 40_000);

afterAll(async () => {
  await within(listening.stopListening(), 5, 'stop listening');
  await within(porter.stop(), 15, 'streamers stopped');
  reactor.stop();
  await stopped;
  logs.restore();
  rmSync(tmp, { recursive: true, force: true });
}, 30_000);

describe('porter', () => {
  it('routes each path to the process that owns it (curl)', async () => {
    const results = await Promise.all(['/a', '/b', '/b/sub', '/c'].map((p) => curl(p)));
    const bodies = results.map((r) => { expect(r.status).toBe(200); return JSON.parse(r.body.toString('utf8')) as Record<string, unknown>; });
    expect(bodies.map((b) => [b['streamer'], b['path']])).toEqual([['A', '/a'], ['B', '/b'], ['B', '/b/sub'], ['C', '/c']]);
    expect(bodies.map((b) => b['pid'])).toEqual(['A', 'B', 'B', 'C'].map((n) => porter.streamer(n)?.pid));
    expect(new Set(bodies.map((b) => b['pid'])).size).toBe(3);
    expect(bodies.every((b) => b['pid'] !== process.pid)).toBe(true);
  });

  it('passes a live WebM stream that souphttpsrc demuxes and decodes', async () => {
    const r = await playFrames(`http://127.0.0.1:${port}/live.webm`, 'webm', 1, 25_000);
    expect(r.stderr).not.toMatch(/ERROR/);
    expect(r.code, playedTail(r)).toBe(0);
    expect(r.stdout).toMatch(/video\/x-raw.*width=\(int\)160, height=\(int\)120/);
  }, 30_000);

  it('serves the stream to curl from the media process (EBML header, Connection: close)', async () => {
    const r = await curl('/live.webm', 2);
    expect(r.code).toBe(28); // a live stream never ends: curl stops at --max-time
    expect(r.body.length).toBeGreaterThan(1000);
    expect([...r.body.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
  }, 15_000);

  it('answers 404 itself for a path no streamer owns', async () => {
    const before = streamers.map((s) => porter.streamer(s.name)?.passed);
    const r = await curl('/nobody/here');
    expect(r.status).toBe(404);
    expect(r.body.toString()).toContain('/nobody/here');
    expect(streamers.map((s) => porter.streamer(s.name)?.passed)).toEqual(before);
  });

  it('does not lose bytes sent along with the request line', async () => {
    const oneWrite = await raw(['GET /b HTTP/1.0\r\nX-Probe: one-write\r\n\r\n']);
    expect(oneWrite).toMatch(/^HTTP\/1\.[01] 200/);
    expect(oneWrite).toContain('"probe":"one-write"');
    const pieces = await raw(['GE', 'T /a HTTP/1.1\r', '\nHost: x\r\nX-Pro', 'be: in-pie', 'ces\r\n\r\n']);
    expect(pieces).toContain('"streamer":"A"');
    expect(pieces).toContain('"probe":"in-pieces"');
  });

  it('brings its socket fd count back to baseline after 100 connections', async () => {
    await raw(['GET /a HTTP/1.0\r\n\r\n']); // warm up (lazy loads, first-use handles)
    const streamerA = porter.streamer('A');
    const passedBefore = streamerA?.passed ?? 0;
    const baseline = socketCount();
    const answers: string[] = [];
    for (let batch = 0; batch < 5; batch++) {
      answers.push(...await Promise.all(Array.from({ length: 20 }, () => raw(['GET /a HTTP/1.0\r\n\r\n']))));
    }
    expect(answers.filter((a) => a.includes('"streamer":"A"'))).toHaveLength(100);
    expect((streamerA?.passed ?? 0) - passedBefore).toBe(100);
    await until(() => socketCount() <= baseline, 5, `socket fds back to ${baseline}`);
    expect(socketCount()).toBeLessThanOrEqual(baseline);
  }, 30_000);

  it('drops a streamer that dies and answers 503 for its paths', async () => {
    const b = porter.streamer('B');
    expect(b?.state).toBe('ready');
    b?.child.kill('SIGKILL');
    await within(b?.exited ?? Promise.reject(new Error('no B')), 10, 'B exited');
    expect(b?.state).toBe('gone');
    const r = await curl('/b');
    expect(r.status).toBe(503);
    const a = await curl('/a');
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body.toString()).streamer).toBe('A');
  });

  it('restarts a dropped streamer on start(), and routes to the new process', async () => {
    const oldPid = porter.streamer('B')?.pid;
    await within(porter.start(), 30, 'B restarted');
    const b = porter.streamer('B');
    expect(b?.state).toBe('ready');
    expect(b?.pid).not.toBe(oldPid);
    const r = await curl('/b');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString())).toMatchObject({ streamer: 'B', pid: b?.pid });
  }, 40_000);
});
