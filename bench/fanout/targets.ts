/**
 * Starting and stopping the servers the fan-out benchmark compares: `torsion` (torsion-server.ts),
 * `js` (js-server.ts), `tcpserversink` (bare `gst-launch-1.0 … ! tcpserversink`, no auth, no
 * control path) and `twisted` (twisted_server.py on Debian's python3-twisted). Each is spawned
 * through bash with `ulimit -n 20000` so it can hold 10,000 viewers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sourceLaunch, type StreamSpec } from './common';

export type TargetName = 'torsion' | 'js' | 'tcpserversink' | 'twisted';
export const TARGETS: readonly TargetName[] = ['torsion', 'js', 'tcpserversink', 'twisted'];

/** A running server. */
export interface RunningTarget {
  readonly name: TargetName;
  readonly pid: number;
  readonly port: number;
  /** `http` viewers send a token; `raw` viewers just read. */
  readonly mode: 'http' | 'raw';
  /** Sends a control command; `report` resolves with the server's JSON line (null without a control path). */
  command(cmd: 'reset' | 'report'): Promise<Record<string, unknown> | null>;
  stop(): Promise<void>;
}

/** Options for starting a target. */
export interface TargetOptions {
  readonly spec: StreamSpec;
  readonly secret: string;
  readonly shards: number;
  /** Torsion: `--add-batch` seconds (FdSinkOptions.addBatchSeconds); unset: one add per hand-off. */
  readonly addBatch?: number;
  /** Torsion: `--send-buffer` bytes (SinkPolicy.sendBuffer); unset: the kernel's autotuned buffer. */
  readonly sendBuffer?: number;
}

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function withFdLimit(argv: string[]): ChildProcess {
  return spawn('bash', ['-c', 'ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"', 'bash', ...argv],
    { stdio: ['pipe', 'pipe', 'inherit'] });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function argvFor(name: TargetName, options: TargetOptions, port: number): string[] {
  const common = ['--secret', options.secret, '--kbps', String(options.spec.kbps), '--bps', String(options.spec.buffersPerSecond)];
  switch (name) {
    case 'torsion': return [process.execPath, '--import', 'tsx', here('./torsion-server.ts'), ...common, '--shards', String(options.shards),
      ...(options.addBatch === undefined ? [] : ['--add-batch', String(options.addBatch)]),
      ...(options.sendBuffer === undefined ? [] : ['--send-buffer', String(options.sendBuffer)])];
    case 'js': return [process.execPath, '--import', 'tsx', here('./js-server.ts'), ...common];
    case 'twisted': return ['/usr/bin/python3', here('./twisted_server.py'), '--secret', options.secret, '--launch', sourceLaunch(options.spec)];
    case 'tcpserversink': return ['gst-launch-1.0', '-q', ...sourceLaunch(options.spec).split(' '), '!', 'tcpserversink',
      'host=127.0.0.1', `port=${port}`, 'sync=false'];
  }
}

/** Starts `name` and resolves once it listens (rejects after 30 s). */
export async function startTarget(name: TargetName, options: TargetOptions): Promise<RunningTarget> {
  const fixedPort = name === 'tcpserversink' ? await freePort() : 0;
  const child = withFdLimit(argvFor(name, options, fixedPort));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const waiting: Array<(o: Record<string, unknown>) => void> = [];
  let readyPort = 0;
  lines.on('line', (line) => {
    let o: Record<string, unknown>;
    try { o = JSON.parse(line) as Record<string, unknown>; } catch { return; }
    if (o['event'] === 'ready') readyPort = Number(o['port']);
    else if (o['event'] === 'report') waiting.shift()?.(o);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 30_000;
  if (name === 'tcpserversink') {
    await sleep(1000);                                  // gst-launch prints nothing when it listens
    readyPort = fixedPort;
  }
  while (readyPort === 0 && Date.now() < deadline && child.exitCode === null) await sleep(50);
  if (readyPort === 0) {
    child.kill('SIGKILL');
    throw new Error(`${name} did not start`);
  }
  const hasControl = name !== 'tcpserversink';
  return {
    name,
    pid: child.pid as number,
    port: readyPort,
    mode: name === 'tcpserversink' ? 'raw' : 'http',
    command: (cmd) => {
      if (!hasControl) return Promise.resolve(null);
      child.stdin?.write(`${cmd}\n`);
      if (cmd !== 'report') return Promise.resolve(null);
      return Promise.race([new Promise<Record<string, unknown>>((r) => waiting.push(r)), sleep(10_000).then(() => null)]);
    },
    stop: async () => {
      child.stdin?.end();                               // the control path ends the servers that have one
      if (!hasControl) child.kill('SIGINT');
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
