/**
 * The porter's end of one streamer process: a child forked with a Node IPC channel, through which
 * connections are passed (Node's handle passing: `sendmsg` with SCM_RIGHTS on the channel's
 * socketpair). The streamer is routable once it has announced itself (`ready`) and until it exits
 * or its channel closes; then it is dropped. The channel is private to parent and child (an
 * inherited socketpair, no path on disk), so it needs no shared-secret handshake.
 * Tests: test/protocols/porter/streamer-process.test.ts, test/protocols/porter/porter.test.ts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { Deferred } from '../../defer/deferred';
import { getLogger } from '../../log';
import { simpleResponse } from '../http/response-head';
import { PorterPassFailed } from './errors';
import { isReadyMessage, isStoppingMessage, type PassMessage } from './messages';

/** How to start one streamer. */
export interface StreamerSpec {
  /** A name for logs and status (`webm`, `ogg`, …). */
  readonly name: string;
  /** Paths this streamer owns (exact, or a prefix ending in `/`). */
  readonly paths: readonly string[];
  /** The module to run (`child_process.fork`'s modulePath). */
  readonly modulePath: string;
  readonly args?: readonly string[];
  /** Node options for the child (e.g. `['--import', 'tsx']`); default: none. */
  readonly execArgv?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Where the child's stdout/stderr go (default 'inherit'). */
  readonly output?: 'inherit' | 'ignore';
}

export type StreamerState = 'starting' | 'ready' | 'gone';

/** The porter's handle on one streamer process. */
export class StreamerProcess {
  state: StreamerState = 'starting';
  /** Connections passed successfully. */
  passed = 0;
  /** The paths the streamer announced (empty until ready). */
  announced: readonly string[] = [];
  /** Fires once the streamer has announced itself; fails with `PorterPassFailed` if it died first. */
  readonly ready = new Deferred<StreamerProcess>();
  /** Fires (with the exit code or signal) once the process has exited. */
  readonly exited = new Deferred<{ code: number | null; signal: string | null }>();

  /** Adopts a child that has an IPC channel (forked by the caller). */
  constructor(readonly name: string, readonly child: ChildProcess) {
    child.on('message', (message: unknown) => {
      if (isStoppingMessage(message)) {
        this.drop('announced it is stopping');
        return;
      }
      if (!isReadyMessage(message) || this.state !== 'starting') return;
      this.announced = message.paths;
      this.state = 'ready';
      getLogger().info('porter: streamer ready', { name, pid: child.pid, paths: message.paths });
      this.ready.callback(this);
    });
    child.on('disconnect', () => this.drop('IPC channel closed'));
    child.on('error', (error) => getLogger().warn('porter: streamer process error', { name, error }));
    child.on('exit', (code, signal) => {
      this.drop(`exited (code ${code}, signal ${signal})`);
      this.exited.callback({ code, signal });
    });
  }

  /** Forks `spec.modulePath` with an IPC channel. */
  static fork(spec: StreamerSpec): StreamerProcess {
    const out = spec.output ?? 'inherit';
    const child = fork(spec.modulePath, [...(spec.args ?? [])], {
      execArgv: [...(spec.execArgv ?? [])],
      stdio: ['ignore', out, out, 'ipc'],
      ...(spec.env === undefined ? {} : { env: { ...spec.env } }),
    });
    return new StreamerProcess(spec.name, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Passes the owned connection `fd` and the bytes already read from it. The porter's copy is
   * closed once the child acknowledged the handle (Node closes it, with `close()`, never
   * `shutdown()`). Fails with `PorterPassFailed` if the streamer is not up (the client gets a 503)
   * or the send fails; the fd is closed in every case, so the caller owns nothing afterwards.
   */
  pass(fd: number, prefix: Uint8Array, path: string): Deferred<void> {
    const done = new Deferred<void>();
    if (this.state !== 'ready' || !this.child.connected) {
      answerAndClose(fd, simpleResponse(503, `the streamer for ${path} is not up\n`, { 'Retry-After': 5 }));
      done.errback(new PorterPassFailed(`streamer ${this.name} is not up`));
      return done;
    }
    // A socket over the fd that never reads (readable false): Node only needs its handle to send.
    const socket = new Socket({ fd, readable: false, writable: false });
    const message: PassMessage = { torsionPorter: 1, type: 'pass', path, prefix: Buffer.from(prefix).toString('base64') };
    const fail = (error: unknown): void => {
      if (!socket.destroyed) socket.destroy(); // the handle was not sent: close our copy
      if (!done.called) done.errback(new PorterPassFailed(`passing a connection to ${this.name} failed`, { cause: error }));
    };
    try {
      this.child.send(message, socket, { keepOpen: false }, (error) => {
        if (error !== null && error !== undefined) fail(error);
        else {
          this.passed += 1;
          done.callback(undefined);
        }
      });
    } catch (error) {
      fail(error);
    }
    return done;
  }

  /** Asks the process to stop (SIGTERM by default); `exited` fires when it has. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): Deferred<{ code: number | null; signal: string | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  private drop(why: string): void {
    if (this.state === 'gone') return;
    const wasStarting = this.state === 'starting';
    this.state = 'gone';
    getLogger().info('porter: streamer dropped', { name: this.name, pid: this.child.pid, why });
    if (wasStarting) this.ready.errback(new PorterPassFailed(`streamer ${this.name} ${why} before it was ready`));
  }
}

/**
 * Answers a short response on an fd the porter owns but could not pass, then closes it. The
 * socket is fresh and the response small, so one non-blocking write takes it; a failure is ignored
 * (the client is gone).
 */
export function answerAndClose(fd: number, response: Uint8Array): void {
  try {
    writeSync(fd, response);
  } catch {
    // the peer is gone
  }
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
