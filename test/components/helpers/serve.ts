/** Runs `torsion serve` (and `torsion token`) as child processes, as a script would. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../..', import.meta.url));
const cli = ['--import', 'tsx', 'src/cli/main.ts'];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

export function run(cmd: string, args: string[], timeout: number, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: root, timeout, maxBuffer: 32 << 20, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

/** What a GStreamer HTTP client decoded: its exit code and output, and how many frames reached the sink. */
export interface Played { code: number; stdout: string; stderr: string; frames: number }

const chains = { webm: ['matroskademux', '!', 'vp8dec'], ogg: ['oggdemux', '!', 'theoradec'], 'ogg-audio': ['oggdemux', '!', 'vorbisdec'] } as const;

/**
 * Runs `gst-launch-1.0 -v <args>` until `count(stdout)` reaches `want`, then stops it: `code` is 0
 * when it did, else gst-launch's own exit code (or 1 when killed at `timeout`). For live streams,
 * which never end by themselves.
 */
export function gstUntil(args: string[], count: (stdout: string) => number, want: number, timeout = 40_000): Promise<Played> {
  return new Promise((resolve) => {
    const child = spawn('gst-launch-1.0', ['-v', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let seen = 0;
    let reached = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      seen = count(stdout);
      if (seen >= want && !reached) { reached = true; child.kill('SIGTERM'); }
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: reached ? 0 : (code ?? 1), stdout, stderr, frames: seen });
    });
  });
}

/** Decoded buffers fakesink reported (`silent=false`), all sinks or the one named. */
export function sinkChains(stdout: string, sink?: string): number {
  const re = sink === undefined ? /last-message = chain\s+\*+/g : new RegExp(`GstFakeSink:${sink}: last-message = chain\\s+\\*+`, 'g');
  return (stdout.match(re) ?? []).length;
}

/**
 * Plays `url` (souphttpsrc → demuxer → decoder → fakesink) until `frames` decoded buffers reached
 * the sink. Counting at the sink, not HTTP reads at the source (souphttpsrc `num-buffers`), keeps
 * it independent of how the kernel splits the stream into reads. (A sink-side `num-buffers` would
 * not end it: matroskademux keeps pushing after its sink answered EOS.) `srcProps` are extra
 * souphttpsrc properties (`ssl-strict=false`, `user-id=…`).
 */
export function playFrames(url: string, kind: keyof typeof chains, frames = 5, timeout = 40_000, srcProps: string[] = []): Promise<Played> {
  return gstUntil(['souphttpsrc', `location=${url}`, ...srcProps, '!', ...chains[kind], '!', 'fakesink', 'silent=false'],
    (out) => sinkChains(out), frames, timeout);
}

/** A failure message for a `Played`: the tail of its output. */
export function playedTail(p: Played, chars = 1500): string {
  return `exit ${p.code}\n${p.stdout.slice(-chars)}\n${p.stderr}`;
}

/** `torsion <args>` through tsx. */
export function torsion(args: string[], env: Record<string, string> = {}, timeout = 30_000): ReturnType<typeof run> {
  return run(process.execPath, [...cli, ...args], timeout, env);
}

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly banner: string;
  stdout(): string;
  stderr(): string;
  /** Resolves once standard error matches `pattern`; rejects after `timeoutMs`. */
  waitForStderr(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** SIGTERM to the server's pid, then its exit code (or 'hung'). */
  stop(timeoutMs?: number): Promise<number | null | 'hung'>;
}

/** Starts `torsion serve <args>` and resolves once it printed its banner. */
export function serve(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<ServeProcess> {
  return startServer('serve', args, env, timeoutMs);
}

/**
 * Starts `torsion <command> <args>` (serve, launch) and resolves once it printed its banner.
 * `prefix` runs it through another command that execs it (e.g. `ip netns exec <ns>`).
 */
export function startServer(command: string, args: string[], env: Record<string, string>, timeoutMs = 60_000,
  prefix: readonly string[] = []): Promise<ServeProcess> {
  const argv = [process.execPath, ...cli, command, ...args];
  const [file, ...rest] = prefix.length === 0 ? argv : [...prefix, ...argv];
  const child = spawn(file as string, rest, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TORSION_LOG_LEVEL: 'info', ...env } });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => { err += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`serve did not start:\n${out}\n${err}`)); }, timeoutMs);
    const onEarlyExit = (code: number | null): void => { clearTimeout(timer); reject(new Error(`serve exited ${code}:\n${out}\n${err}`)); };
    child.on('exit', onEarlyExit);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (!out.includes('Press Ctrl-C to stop.')) return;
      clearTimeout(timer);
      child.removeListener('exit', onEarlyExit);
      resolve({
        child, banner: out, stdout: () => out, stderr: () => err,
        waitForStderr: (pattern, ms) => new Promise<void>((ok, fail) => {
          if (pattern.test(err)) { ok(); return; }
          const t = setTimeout(() => { child.stderr?.off('data', check); fail(new Error(`stderr never matched ${pattern}:\n${err}`)); }, ms);
          const check = (): void => { if (pattern.test(err)) { clearTimeout(t); child.stderr?.off('data', check); ok(); } };
          child.stderr?.on('data', check);
        }),
        stop: (ms = 20_000) => {
          if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
          return Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => { child.kill('SIGKILL'); r('hung'); }, ms))]);
        },
      });
    });
  });
}

/** A raw HTTP viewer: sends a GET and resolves with the socket and the response head once it arrives. */
export interface RawViewer {
  readonly socket: Socket;
  readonly head: string;
  bytes(): number;
  /** Resolves once `n` bytes (head included) have arrived; rejects after `timeoutMs`. */
  received(n: number, timeoutMs?: number): Promise<void>;
}

export function rawViewer(port: number, path: string, host = '127.0.0.1'): Promise<RawViewer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let buffered = Buffer.alloc(0);
    let total = 0;
    let done = false;
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no response head for ${path}`)); }, 20_000);
    socket.on('error', (e) => { if (!done) { clearTimeout(timer); reject(e); } });
    socket.on('data', (c: Buffer) => {
      total += c.length;
      if (done) return;
      buffered = Buffer.concat([buffered, c]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      done = true;
      clearTimeout(timer);
      resolve({
        socket, head: buffered.subarray(0, end).toString('latin1'), bytes: () => total,
        received: (n, ms = 15_000) => new Promise<void>((ok, fail) => {
          if (total >= n) { ok(); return; }
          const t = setTimeout(() => { socket.off('data', check); fail(new Error(`only ${total} of ${n} bytes arrived`)); }, ms);
          const check = (): void => { if (total >= n) { clearTimeout(t); socket.off('data', check); ok(); } };
          socket.on('data', check);
        }),
      });
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  });
}

/**
 * A viewer that records everything from its first byte (response head included) without waiting
 * for the head: `bytes()`, `data()`, `received(n)` (head included), `closed`.
 */
export interface RecordingViewer {
  readonly socket: Socket;
  bytes(): number;
  data(): Buffer;
  readonly closed: Promise<void>;
  received(n: number): Promise<void>;
}

export function recordingViewer(port: number, path: string): RecordingViewer {
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  let total = 0;
  const waiters: Array<[number, () => void]> = [];
  const closed = new Promise<void>((r) => socket.on('close', () => r()));
  socket.on('error', () => undefined);
  socket.on('data', (c: Buffer) => {
    chunks.push(c);
    total += c.length;
    for (const w of waiters.splice(0)) if (total >= w[0]) w[1](); else waiters.push(w);
  });
  socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  return {
    socket, closed, bytes: () => total, data: () => Buffer.concat(chunks),
    received: (n) => new Promise<void>((r) => { if (total >= n) r(); else waiters.push([n, r]); }),
  };
}
