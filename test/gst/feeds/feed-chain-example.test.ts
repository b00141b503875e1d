/**
 * The feed-chain example as its README describes it: `examples/feed-chain/main.ts` starts a
 * producer and a streamer process (here over a unix socket and a free HTTP port); a viewer with a
 * token gets WebM that GStreamer decodes; after the producer is SIGKILLed, main.ts starts another,
 * the streamer reconnects, and a new viewer again gets decodable WebM; SIGTERM stops everything.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deferred } from '../../../src/defer/deferred';
import { startLoop, stopLoop, within } from '../helpers/loop';

const root = new URL('../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'torsion-feed-chain-'));
let chain: ChildProcess | null = null;
const lines: string[] = [];
let waiters: Array<{ re: RegExp; from: number; d: Deferred<RegExpMatchArray> }> = [];

function check(): void {
  waiters = waiters.filter((w) => {
    for (let i = w.from; i < lines.length; i++) {
      const m = lines[i]!.match(w.re);
      if (m !== null) { w.d.callback(m); return false; }
    }
    return true;
  });
}

function line(re: RegExp, from = 0): Deferred<RegExpMatchArray> {
  const d = new Deferred<RegExpMatchArray>();
  waiters.push({ re, from, d });
  check();
  return d;
}

/** GET `url` until `bytes` arrived, then close. */
function fetchBytes(url: string, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      if (res.statusCode !== 200) { reject(new Error(`HTTP ${res.statusCode}`)); res.resume(); return; }
      const chunks: Buffer[] = [];
      let n = 0;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        n += c.length;
        if (n >= bytes) { req.destroy(); resolve(Buffer.concat(chunks)); }
      });
      res.on('error', reject);
    });
    req.on('error', (e) => { if (!req.destroyed) reject(e); });
  });
}

/** Decoded VP8 frames in a WebM file (matroskademux ! vp8dec), counted by gst-launch. */
function decodeFrames(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile('gst-launch-1.0', ['-v', 'filesrc', `location=${file}`, '!', 'matroskademux', '!', 'vp8dec', '!', 'fakesink', 'silent=false'],
      { timeout: 20_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
        if (error !== null) { reject(error); return; }
        resolve(stdout.split('\n').filter((l) => l.includes('chain   ******* (fakesink')).length);
      });
  });
}

beforeAll(() => startLoop());
afterAll(async () => {
  chain?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  await stopLoop();
});

describe('examples/feed-chain', () => {
  it('serves decodable WebM from a fed streamer, across a producer restart, and stops on SIGTERM', async () => {
    chain = spawn(process.execPath, ['--import', 'tsx', 'examples/feed-chain/main.ts'], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: '0', FEED_SOCKET: join(dir, 'feed.sock'), TORSION_LOG_LEVEL: 'info' },
    });
    const exited = new Deferred<number | null>();
    chain.on('exit', (code) => exited.callback(code));
    let partial = '';
    const onData = (chunk: Buffer): void => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      check();
    };
    chain.stdout?.on('data', onData);
    chain.stderr?.on('data', onData);

    const url = (await within(line(/serving (http:\/\/\S+)/), 30, 'streamer up'))[1]!;
    const producerPid = Number((await within(line(/producer \(pid (\d+)\) feeding/), 30, 'producer up'))[1]);
    await within(line(/"msg":"streaming"/), 30, 'streamer playing');

    const first = await fetchBytes(url, 60_000);
    expect(first.subarray(0, 4).toString('hex')).toBe('1a45dfa3'); // EBML: the stream header came first
    writeFileSync(join(dir, 'first.webm'), first);
    expect(await decodeFrames(join(dir, 'first.webm'))).toBeGreaterThan(5);

    const mark = lines.length;
    process.kill(producerPid, 'SIGKILL');
    await within(line(/feed lost, reconnecting/, mark), 15, 'the streamer notices');
    await within(line(/"msg":"eating the feed","connection":2/, mark), 30, 'the streamer reconnects');
    const second = await fetchBytes(url, 60_000);
    writeFileSync(join(dir, 'second.webm'), second);
    expect(await decodeFrames(join(dir, 'second.webm'))).toBeGreaterThan(5);

    chain.kill('SIGTERM');
    expect(await within(exited, 20, 'the chain stops')).toBe(0);
    chain = null;
  }, 60_000);
});
