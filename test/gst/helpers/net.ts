/**
 * Test helpers for real sockets on 127.0.0.1 and unix paths: a listening server whose accepted
 * connections are turned into owned fds (dup + destroy, PITFALLS 8), viewers that record what they
 * receive, and `/proc/self/fd` counting.
 */
import { readdirSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Deferred } from '../../../src/defer/deferred';
import { stealSocketFd } from '../../../src/gst/fd-util';

/** Number of open fds of this process. */
export function fdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** A viewer: a client socket that records every byte it receives. */
/**
 * How the sink reports a viewer whose socket was destroyed with data still unread (a reset): it
 * is `closed` when multifdsink notices by poll or by the send that gets ECONNRESET, and `error`
 * when a send after that gets EPIPE (its `write_error`); which comes first depends on timing.
 */
export const VANISHED: readonly string[] = ['closed', 'error'];

export class Viewer {
  readonly chunks: Buffer[] = [];
  bytes = 0;
  readonly closed = new Deferred<void>();
  private waiters: Array<{ n: number; d: Deferred<void> }> = [];
  constructor(readonly socket: Socket) {
    socket.on('data', (c: Buffer) => {
      this.chunks.push(c);
      this.bytes += c.length;
      this.waiters = this.waiters.filter((w) => { if (this.bytes >= w.n) { w.d.callback(undefined); return false; } return true; });
    });
    socket.on('error', () => undefined);
    socket.on('close', () => { if (!this.closed.called) this.closed.callback(undefined); });
  }
  /** Fires once at least `n` bytes arrived. */
  received(n: number): Deferred<void> {
    const d = new Deferred<void>();
    if (this.bytes >= n) d.callback(undefined); else this.waiters.push({ n, d });
    return d;
  }
  data(): Buffer { return Buffer.concat(this.chunks); }
}

/** A server on 127.0.0.1 (or a unix path) whose accepted sockets are handed over as owned fds. */
export class FdServer {
  private server: Server;
  private pending: Array<Deferred<Socket>> = [];
  private accepted: Socket[] = [];
  readonly ready = new Deferred<void>();
  constructor(readonly kind: 'tcp' | 'unix' = 'tcp') {
    this.server = createServer((s) => {
      this.all.add(s);
      s.on('close', () => this.all.delete(s));
      const next = this.pending.shift();
      if (next !== undefined) next.callback(s); else this.accepted.push(s);
    });
    this.path = kind === 'unix' ? join(tmpdir(), `torsion-gst-${process.pid}-${Math.random().toString(36).slice(2)}.sock`) : '';
    const onListen = (): void => this.ready.callback(undefined);
    if (kind === 'unix') this.server.listen(this.path, onListen); else this.server.listen(0, '127.0.0.1', onListen);
  }
  readonly path: string;
  private readonly all = new Set<Socket>();
  private nextAccepted(): Deferred<Socket> {
    const d = new Deferred<Socket>();
    const s = this.accepted.shift();
    if (s !== undefined) d.callback(s); else this.pending.push(d);
    return d;
  }
  /** Connect a viewer; resolves with it and the server-side Node socket (not yet stolen). */
  async connectSocket(): Promise<{ viewer: Viewer; server: Socket }> {
    await this.ready;
    const port = this.kind === 'tcp' ? (this.server.address() as { port: number }).port : 0;
    const sock = this.kind === 'tcp' ? connect(port, '127.0.0.1') : connect(this.path);
    const viewer = new Viewer(sock);
    const server = await this.nextAccepted();
    return { viewer, server };
  }
  /** Connect a viewer; resolves with it and an owned fd for the server side. */
  async connect(): Promise<{ viewer: Viewer; fd: number }> {
    const { viewer, server } = await this.connectSocket();
    return { viewer, fd: stealSocketFd(server) };
  }
  close(): Promise<void> {
    for (const s of this.all) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
