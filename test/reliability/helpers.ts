/**
 * Shared pieces of the reliability suite (issue 9) and its bench scripts: a `torsion serve` child
 * process configured for abuse (a generous auth rate limit so wrong tokens get 401/403, not 429),
 * its fd count and RSS read from /proc, and raw TCP clients of every kind — good viewers, wrong
 * tokens, clients that vanish mid-head, mid-response and mid-stream, garbage senders. Every client
 * resolves (never rejects) with what happened, within its own deadline.
 */
import { connect, type Socket } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintToken } from '../../src/protocols/index';
import { freePort, serve, type ServeProcess } from '../components/helpers/serve';

export { freePort, serve, type ServeProcess };

export const SECRET = 'reliability-secret-0123456789abcdef';

/** Unix seconds now (tokens carry wall-clock time). */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** A token for `path` valid `ttl` seconds from now. */
export function token(path = '/', ttl = 600): string {
  return mintToken(SECRET, path, unixNow() + ttl);
}

/** A fresh temporary directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a JSON config (a small source, a generous rate limit unless overridden) and returns its path. */
export function writeConfig(dir: string, extra: Record<string, unknown> = {}, name = 'server.json'): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({
    source: { width: 160, height: 120, framerate: 10 },
    encoding: { videoBitrate: 200000, keyframeDistance: 10 },
    authRateLimit: { burst: 1000000, refillPerSecond: 100000 },
    ...extra,
  }));
  return file;
}

/** Starts `torsion serve` on a free port with `config`; returns the process and its port. */
export async function startServe(config: string, env: Record<string, string> = {}): Promise<{ server: ServeProcess; port: number }> {
  const port = await freePort();
  const server = await serve(['--config', config, '--port', String(port)], { TORSION_SECRET: SECRET, ...env });
  return { server, port };
}

/** Open fds of process `pid` (/proc/<pid>/fd). */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Resident set size of process `pid`, in bytes (/proc/<pid>/status VmRSS). */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]) * 1024;
}

/** bench/soak/heap-probe.cjs: preloaded into a server child to sample its memory from inside. */
export const HEAP_PROBE = fileURLToPath(new URL('../../bench/soak/heap-probe.cjs', import.meta.url));

/** One line of heap-probe.cjs: `process.memoryUsage()` of process `pid` at wall-clock `at` (ms). */
export interface HeapSample {
  pid: number; t: number; at: number; rss: number; heapUsed: number; external: number; arrayBuffers: number;
  nativeContexts: number; detachedContexts: number;
}

/** Environment that preloads the heap probe: a sample every `everyMs` into `file`, after a full GC when `gc`. */
export function heapProbeEnv(file: string, everyMs: number, gc: boolean): Record<string, string> {
  return {
    NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --require ${HEAP_PROBE}`.trim(),
    TORSION_SOAK_HEAP_FILE: file, TORSION_SOAK_HEAP_MS: String(everyMs), TORSION_SOAK_GC: gc ? '1' : '0',
  };
}

/** The probe's samples of process `pid` (feed processes write to the same file). */
export function readHeapSamples(file: string, pid: number): HeapSample[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as HeapSample)
    .filter((h) => h.pid === pid);
}

/** The first probe sample of `pid` taken after wall-clock `afterMs`, waiting up to `timeoutMs` for it. */
export async function heapSampleAfter(file: string, pid: number, afterMs: number, timeoutMs = 10_000): Promise<HeapSample> {
  let found: HeapSample | undefined;
  await waitFor(() => {
    found = readHeapSamples(file, pid).find((h) => h.at > afterMs);
    return found !== undefined;
  }, timeoutMs, () => `no heap sample from pid ${pid} after ${new Date(afterMs).toISOString()} in ${file}`, 50);
  return found as HeapSample;
}

/** Polls `condition` every `everyMs` until it holds; rejects with `describe()` after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** What a raw client saw. */
export interface ClientResult {
  /** The status code of the response head, or null if none arrived. */
  readonly status: number | null;
  /** Bytes received, head included. */
  readonly bytes: number;
  /** The server closed the connection (rather than us, or the deadline). */
  readonly closedByServer: boolean;
  readonly error: string | null;
}

/** The kinds of client the leak and soak runs mix. */
export type ClientKind = 'good' | 'wrong-token' | 'vanish-head' | 'vanish-response' | 'vanish-stream' | 'garbage';

interface RawOptions {
  /** Bytes to send on connect. */
  readonly send: string | Buffer;
  /** Destroy the socket right after sending (before any response). */
  readonly vanishAfterSend?: boolean;
  /** Destroy the socket once this many bytes (head included) arrived. */
  readonly closeAfterBytes?: number;
  /** Bytes to send after the response head (garbage after the hand-off). */
  readonly afterHead?: Buffer;
  readonly timeoutMs?: number;
}

/** One raw TCP exchange with the server; always resolves. */
export function rawClient(port: number, o: RawOptions): Promise<ClientResult> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let head = Buffer.alloc(0);
    let status: number | null = null;
    let bytes = 0;
    let error: string | null = null;
    let finished = false;
    let byServer = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status, bytes, closedByServer: byServer, error });
    };
    const timer = setTimeout(() => { error = error ?? 'timeout'; finish(); }, o.timeoutMs ?? 15_000);
    socket.on('error', (e) => { error = e.message; finish(); });
    socket.on('end', () => { byServer = true; finish(); });
    socket.on('close', () => finish());
    socket.on('data', (c: Buffer) => {
      bytes += c.length;
      if (status === null) {
        head = Buffer.concat([head, c]);
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(head.toString('latin1'));
        if (m !== null) {
          status = Number(m[1]);
          if (o.afterHead !== undefined) socket.write(o.afterHead);
        }
      }
      if (o.closeAfterBytes !== undefined && bytes >= o.closeAfterBytes) finish();
    });
    socket.on('connect', () => {
      socket.write(o.send);
      if (o.vanishAfterSend === true) finish();
    });
  });
}

/** A GET request line and headers for `path`. */
export function get(path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
}

/** Runs one client of `kind` against `/live.webm` (`good` tokens from `goodToken`). */
export function runKind(kind: ClientKind, port: number, goodToken: string, i: number): Promise<ClientResult> {
  const mount = i % 2 === 0 ? '/live.webm' : '/live.ogg';
  switch (kind) {
    case 'good': return rawClient(port, { send: get(`${mount}?token=${goodToken}`), closeAfterBytes: 2000 });
    case 'wrong-token': return rawClient(port, { send: get(`${mount}?token=${goodToken.slice(0, -4)}AAAA`) });
    case 'vanish-head': return rawClient(port, { send: `GET ${mount}?token=${goodToken.slice(0, 10 + (i % 20))}`, vanishAfterSend: true });
    case 'vanish-response': return rawClient(port, { send: get(`${mount}?token=${goodToken}`), vanishAfterSend: true });
    case 'vanish-stream': return rawClient(port, { send: get(`${mount}?token=${goodToken}`), closeAfterBytes: 1 + (i % 3000) });
    case 'garbage': return rawClient(port, { send: get(`${mount}?token=${goodToken}`), afterHead: Buffer.alloc(4096, i & 0xff), closeAfterBytes: 3000 });
  }
}

const KINDS: readonly ClientKind[] = ['good', 'wrong-token', 'vanish-head', 'vanish-response', 'vanish-stream', 'garbage'];

/** Every client kind, in the order a mixed run cycles through them. */
export const CLIENT_KINDS: readonly ClientKind[] = KINDS;

/** The kind of the `i`th client in a mixed run (of `kinds`, default all). */
export function kindOf(i: number, kinds: readonly ClientKind[] = KINDS): ClientKind {
  return kinds[i % kinds.length] as ClientKind;
}

/** Runs `total` mixed clients (of `kinds`, default all), `concurrency` at a time; returns counts of kind → status. */
export async function churn(port: number, total: number, concurrency: number, goodToken: string, start = 0,
  kinds: readonly ClientKind[] = KINDS): Promise<{ results: Map<string, number>; failures: string[]; cutShort: number }> {
  const results = new Map<string, number>();
  let cutShort = 0;
  const failures: string[] = [];
  let next = start;
  const end = start + total;
  const worker = async (): Promise<void> => {
    while (next < end) {
      const i = next++;
      const kind = kindOf(i, kinds);
      const r = await runKind(kind, port, goodToken, i);
      const key = `${kind}:${r.status ?? 'none'}`;
      results.set(key, (results.get(key) ?? 0) + 1);
      // A good viewer closed by the server before 2,000 bytes: the concurrent hand-off bug in
      // docs/security.md ("Known open issues"); counted, not failed, until it is fixed.
      if (kind === 'good' && r.status === 200 && r.bytes < 2000) cutShort++;
      const bad = (kind === 'good' && r.status !== 200)
        || (kind === 'wrong-token' && (r.status !== 401 || !r.closedByServer))
        || (r.status !== null && r.status >= 500);
      if (bad && failures.length < 20) failures.push(`#${i} ${kind}: status ${r.status} bytes ${r.bytes} error ${r.error}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  return { results, failures, cutShort };
}

/**
 * True once a good viewer of `path` receives `bytes` bytes; retried a few times, because of the
 * open concurrent hand-off issue (docs/security.md) that can cut a single viewer short.
 */
export async function servesAViewer(port: number, path: string, bytes = 3000, attempts = 5): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    const r = await rawClient(port, { send: get(path), closeAfterBytes: bytes });
    if (r.status === 200 && r.bytes >= bytes) return true;
  }
  return false;
}
