/**
 * fd-passing benchmark for the porter (issue 6): 1,000 TCP connections, each read up to its
 * request line by a "porter" (this process) and passed to a "streamer" (a child process), which
 * answers one byte on the passed socket. Two mechanisms:
 *  - gio:  `Gio.UnixConnection.sendFd` over a unix socket; the child's Gio socket is non-blocking
 *          and drained (`receiveFd` until WOULD_BLOCK) from a GLib fd watch under a GLibReactor.
 *  - node: Node's IPC handle passing, `child.send(message, socket)` to a forked child.
 * Latency: from the client's connect() to the first byte back from the streamer (clients run in
 * this process, 32 in flight). Rate: passes per second over the whole run. Prints one JSON object.
 * Run: npx tsx bench/porter/main.ts [connections=1000] [inFlight=32]
 * Test: none (a measurement; test/protocols/porter/ covers the porter itself).
 */
import { fork } from 'node:child_process';
import { closeSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadGi } from '../../src/reactor/gi';
import { dupFd } from '../../src/reactor/transports/dup-fd';

const N = Number(process.argv[2] ?? 1000);
const IN_FLIGHT = Number(process.argv[3] ?? 32);
const child = join(import.meta.dirname, 'streamer-child.ts');

function percentile(sorted: number[], p: number): number {
  return Number((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN).toFixed(3));
}

/** Steals the fd of a Node socket (dup, then destroy without end) — what `detach()` does. */
function steal(socket: Socket): number {
  socket.pause();
  const fd = dupFd((socket as unknown as { _handle: { fd: number } })._handle.fd);
  socket.destroy();
  return fd;
}

/** A porter that waits for the first line of each connection, then calls `pass(socket)`. */
function porter(pass: (socket: Socket, line: Buffer) => void): Promise<Server> {
  const server = createServer({ pauseOnConnect: false }, (socket) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.indexOf('\r\n') < 0) return;
      socket.removeListener('data', onData);
      pass(socket, buf);
    };
    socket.on('data', onData);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function clients(port: number): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const one = (): Promise<void> => new Promise((resolve, reject) => {
    const t0 = performance.now();
    const s = connect(port, '127.0.0.1', () => s.write('GET /bench HTTP/1.0\r\n\r\n'));
    s.once('data', () => { latencies.push(performance.now() - t0); s.destroy(); resolve(); });
    s.once('error', reject);
  });
  const worker = async (): Promise<void> => { while (next < N) { next++; await one(); } };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

function summary(r: { latencies: number[]; seconds: number }, passMs: number[]): Record<string, number> {
  const l = [...r.latencies].sort((a, b) => a - b);
  const p = [...passMs].sort((a, b) => a - b);
  return {
    connections: l.length, passesPerSecond: Math.round(l.length / r.seconds),
    latencyP50Ms: percentile(l, 0.5), latencyP90Ms: percentile(l, 0.9), latencyP99Ms: percentile(l, 0.99),
    senderCostP50Ms: percentile(p, 0.5), senderCostP99Ms: percentile(p, 0.99),
  };
}

async function viaNode(): Promise<Record<string, number>> {
  const proc = fork(child, ['node'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve) => proc.once('message', () => resolve()));
  const passMs: number[] = [];
  const server = await porter((socket, line) => {
    const t = performance.now();
    const fd = steal(socket);
    const copy = new Socket({ fd, readable: false, writable: false, pauseOnCreate: true } as never);
    proc.send({ prefix: line.toString('base64') }, copy);
    passMs.push(performance.now() - t);
  });
  const r = await clients((server.address() as { port: number }).port);
  server.close();
  proc.kill();
  return summary(r, passMs);
}

async function viaGio(): Promise<Record<string, number>> {
  const { Gio } = loadGi() as unknown as { Gio: any };
  const dir = mkdtempSync(join(tmpdir(), 'porter-bench-'));
  const path = join(dir, 'control.sock');
  // Two unix connections: the first carries fds only (Gio), the second the bytes already read
  // (Node), as length-prefixed frames the child pairs with the fds in order. node-gtk cannot read
  // plain bytes from a Gio socket (g_socket_receive's caller-allocated buffer aborts the process),
  // and a plain read that reached sendFd's byte would discard the fd.
  const [fdLink, frameLink] = await new Promise<[Socket, Socket]>((resolve) => {
    const got: Socket[] = [];
    const srv = createServer((s) => {
      got.push(s);
      if (got.length === 2) { srv.close(); resolve([got[0] as Socket, got[1] as Socket]); }
    });
    srv.listen(path, () => {
      const proc = fork(child, ['gio', path], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      process.once('exit', () => proc.kill());
    });
  });
  const gsock = Gio.Socket.newFromFd(steal(fdLink));
  const conn = gsock.connectionFactoryCreateConnection();
  const passMs: number[] = [];
  const server = await porter((socket, line) => {
    const t = performance.now();
    const fd = steal(socket);
    const frame = Buffer.alloc(4 + line.length);
    frame.writeUInt32BE(line.length, 0);
    line.copy(frame, 4);
    frameLink.write(frame);
    conn.sendFd(fd, null);
    closeSync(fd);
    passMs.push(performance.now() - t);
  });
  const r = await clients((server.address() as { port: number }).port);
  server.close();
  gsock.close();
  frameLink.destroy();
  rmSync(dir, { recursive: true, force: true });
  return summary(r, passMs);
}

const result = { connections: N, inFlight: IN_FLIGHT, gio: await viaGio(), node: await viaNode() };
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
