/**
 * A connected AF_UNIX stream socket pair made in-process with Node's `net` over the abstract
 * namespace (Node has no socketpair()). One listening socket serves every request, connects are
 * serialised so each accepted end is matched to its connecting end, and the listener closes when
 * no request is pending. Used by the TLS bridge. Tests: test/gst/tls-bridge.test.ts.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Deferred } from '../defer/deferred';

interface Job {
  readonly d: Deferred<[Socket, Socket]>;
}

let server: Server | null = null;
let listening: Deferred<void> | null = null;
let name = '';
const queue: Job[] = [];
let current: { job: Job; client: Socket } | null = null;
let counter = 0;

function onConnection(accepted: Socket): void {
  const c = current;
  if (c === null) {
    accepted.destroy();
    return;
  }
  current = null;
  busy = false;
  c.job.d.callback([accepted, c.client]);
  next();
}

function ensureServer(): Deferred<void> {
  if (listening !== null) return listening;
  const ready = new Deferred<void>();
  listening = ready;
  name = `\0torsion-pair-${process.pid}-${++counter}`;
  const s = createServer({ pauseOnConnect: true }, onConnection);
  server = s;
  s.on('error', (error) => {
    const pending = queue.splice(0);
    if (current !== null) pending.push(current.job);
    current = null;
    busy = false;
    closeServer();
    for (const job of pending) job.d.errback(error);
  });
  s.listen(name, () => ready.callback(undefined));
  return ready;
}

function closeServer(): void {
  server?.close();
  server = null;
  listening = null;
}

let busy = false;

function next(): void {
  if (busy) return;
  const job = queue.shift();
  if (job === undefined) {
    closeServer();
    return;
  }
  busy = true;
  ensureServer().addCallback(() => {
    const client = connect(name);
    client.pause();
    client.once('error', (error) => {
      if (current?.job === job) {
        current = null;
        busy = false;
        job.d.errback(error);
        next();
      }
    });
    current = { job, client };
  });
}

/** A connected pair `[a, b]` of Node unix sockets, both paused. */
export function socketPair(): Deferred<[Socket, Socket]> {
  const d = new Deferred<[Socket, Socket]>();
  queue.push({ d });
  next();
  return d;
}
