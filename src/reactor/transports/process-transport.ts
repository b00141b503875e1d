/**
 * Child processes (Twisted's `process.Process`): `spawnProcess` over Node's `child_process.spawn`
 * with pipes per `childFDs`. Data on a pipe the parent reads goes to `childDataReceived(fd, data)`;
 * each pipe's close to `childConnectionLost(fd)`; the exit to `processExited` and, once every pipe is
 * closed, `processEnded` — with `ProcessDone` (exit code 0) or `ProcessTerminated` (exit code or
 * signal, or the spawn error as `cause`). A throwing protocol method is logged and the pipes are
 * closed. Tests: test/conformance/process.ts.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { Failure } from '../../defer/failure';
import { getLogger } from '../../log';
import { ProcessDone, ProcessExitedAlready, ProcessTerminated } from '../errors';
import type { ProcessAddress } from '../interfaces/address';
import type { ProcessProtocol } from '../interfaces/protocol';
import type { ChildFDSpec, SpawnOptions } from '../interfaces/reactor';
import type { ProcessTransport } from '../interfaces/transport';

const DEFAULT_FDS: Readonly<Record<number, ChildFDSpec>> = { 0: 'w', 1: 'r', 2: 'r' };
const ADDRESS: ProcessAddress = { type: 'PROCESS' };

function toStdio(fds: Readonly<Record<number, ChildFDSpec>>): StdioOptions {
  const max = Math.max(2, ...Object.keys(fds).map(Number));
  const stdio: Array<'pipe' | 'ignore' | number> = [];
  for (let i = 0; i <= max; i++) {
    const spec = fds[i] ?? 'ignore';
    stdio.push(spec === 'r' || spec === 'w' ? 'pipe' : spec);
  }
  return stdio;
}

function signalName(signal: string | number): NodeJS.Signals | number {
  if (typeof signal === 'number') return signal;
  const name = (signal.startsWith('SIG') ? signal : `SIG${signal}`) as NodeJS.Signals;
  if (!(name in constants.signals)) throw new TypeError(`Unknown signal: ${signal}`);
  return name;
}

export class ChildProcessTransport implements ProcessTransport {
  private readonly child: ChildProcess;
  private readonly pipes = new Map<number, Readable | Writable>();
  private exitReason: Error | null = null;
  private ended = false;
  private closed = false;
  private readonly writeFds = new Set<number>();

  constructor(private readonly protocol: ProcessProtocol, executable: string, args: readonly string[],
    options: SpawnOptions = {}) {
    const fds = options.childFDs ?? DEFAULT_FDS;
    this.child = spawn(executable, args.slice(1), {
      argv0: args[0] ?? executable,
      env: options.env ?? process.env,
      ...(options.path === undefined ? {} : { cwd: options.path }),
      stdio: toStdio(fds),
    });
    for (const [key, spec] of Object.entries(fds)) {
      const fd = Number(key);
      const stream = this.child.stdio[fd];
      if ((spec === 'r' || spec === 'w') && stream !== null && stream !== undefined) this.wirePipe(fd, spec, stream);
    }
    this.child.on('exit', (code, signal) => this.onExit(code, signal, null));
    this.child.on('error', (error) => {
      if (this.child.pid === undefined) this.onExit(null, null, error);
      else getLogger().warn('Child process error', { error, pid: this.child.pid });
    });
    this.child.on('close', () => this.onClose());
    this.call('makeConnection', () => protocol.makeConnection(this));
  }

  get pid(): number | null {
    return this.exitReason === null ? this.child.pid ?? null : null;
  }

  write(data: Uint8Array | string): void {
    this.writeToChild(0, data);
  }

  writeSequence(data: Iterable<Uint8Array | string>): void {
    for (const chunk of data) this.writeToChild(0, chunk);
  }

  writeToChild(childFD: number, data: Uint8Array | string): void {
    const pipe = this.pipes.get(childFD) as Writable | undefined;
    if (pipe === undefined || pipe.writableEnded || pipe.destroyed) return;
    pipe.write(data);
  }

  closeChildFD(childFD: number): void {
    const pipe = this.pipes.get(childFD);
    if (pipe === undefined) return;
    if ('end' in pipe && typeof pipe.end === 'function' && !pipe.writableEnded) pipe.end();
    else pipe.destroy();
  }

  closeStdin(): void {
    this.closeChildFD(0);
  }

  closeStdout(): void {
    this.closeChildFD(1);
  }

  closeStderr(): void {
    this.closeChildFD(2);
  }

  loseConnection(): void {
    for (const fd of [...this.pipes.keys()]) this.closeChildFD(fd);
  }

  signalProcess(signal: string | number): void {
    if (this.exitReason !== null || this.child.pid === undefined) throw new ProcessExitedAlready();
    this.child.kill(signalName(signal));
  }

  getPeer(): ProcessAddress {
    return ADDRESS;
  }

  getHost(): ProcessAddress {
    return ADDRESS;
  }

  private wirePipe(fd: number, spec: 'r' | 'w', stream: Readable | Writable): void {
    this.pipes.set(fd, stream);
    if (spec === 'w') this.writeFds.add(fd);
    stream.on('error', (error: unknown) => getLogger().debug('Child pipe error', { fd, error }));
    if (spec === 'r') {
      stream.on('data', (data: Buffer) => this.call('childDataReceived', () => this.protocol.childDataReceived(fd, data)));
    }
    stream.once('close', () => {
      this.pipes.delete(fd);
      this.call('childConnectionLost', () => this.protocol.childConnectionLost(fd));
      this.maybeEnd();
    });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, error: Error | null): void {
    if (this.exitReason !== null) return;
    this.exitReason = error !== null ? new ProcessTerminated(null, null, { cause: error })
      : code === 0 ? new ProcessDone() : new ProcessTerminated(code, signal);
    const reason = new Failure(this.exitReason);
    this.call('processExited', () => this.protocol.processExited(reason));
    // The child is gone: nothing more can be written to it.
    for (const fd of this.writeFds) this.pipes.get(fd)?.destroy();
  }

  private onClose(): void {
    this.closed = true;
    // Node's 'close' waits for the read pipes only; close what the parent still holds.
    for (const pipe of this.pipes.values()) pipe.destroy();
    this.maybeEnd();
  }

  private maybeEnd(): void {
    if (this.ended || !this.closed || this.exitReason === null || this.pipes.size > 0) return;
    this.ended = true;
    const reason = new Failure(this.exitReason);
    this.call('processEnded', () => this.protocol.processEnded(reason));
  }

  private call(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      getLogger().error(`Process protocol ${what} threw; closing the pipes`, { error, pid: this.child.pid });
      this.loseConnection();
    }
  }
}
