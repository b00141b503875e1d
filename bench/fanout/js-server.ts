/**
 * Baseline (a) of the fan-out benchmark: the same stream fanned out by JavaScript. `gst-launch-1.0`
 * writes the raw audio to its stdout (`fdsink fd=1`); a plain Node `net` server authenticates each
 * viewer exactly as Torsion does (`GET /live.raw?token=…`, HMAC token checked with the same code),
 * answers with a `Connection: close` head and then `write()`s every chunk to every viewer. A viewer
 * more than 1 MiB behind is dropped (Torsion's limit). A `setTimeout` heartbeat measures lateness.
 * Run: npx tsx bench/fanout/js-server.ts --port 0 --secret <16+ bytes> [--kbps 64] [--bps 20]
 */
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathInScope, verifyTokenSignature } from '../../src/index';
import { HEARTBEAT_SECONDS, LatenessLog, numberFlag, parseFlags, sourceLaunch } from './common';
import { announceReady, listenControl } from './control';

const flags = parseFlags(process.argv.slice(2));
const secret = flags.get('secret') ?? 'fanout-benchmark-secret';
const spec = { kbps: numberFlag(flags, 'kbps', 64), buffersPerSecond: numberFlag(flags, 'bps', 20) };
const MAX_LAG = 1 << 20;
const viewers = new Set<Socket>();
const ended: Record<string, number> = {};
let bytesServed = 0;

function authorised(head: string): boolean {
  const target = /^GET (\S+) HTTP\/1\.[01]\r\n/.exec(head)?.[1];
  if (target === undefined) return false;
  const url = new URL(target, 'http://x');
  const claims = verifyTokenSignature(secret, url.searchParams.get('token') ?? '');
  return claims !== null && claims.expiresAt > Date.now() / 1000 && pathInScope(claims.path, url.pathname) && url.pathname === '/live.raw';
}

const server = createServer((socket) => {
  let head = '';
  socket.on('error', () => undefined);
  const onData = (chunk: Buffer): void => {
    head += chunk.toString('latin1');
    if (!head.includes('\r\n\r\n')) {
      if (head.length > 16384) socket.destroy();
      return;
    }
    socket.off('data', onData);
    socket.on('data', () => undefined);                 // read and discard, as multifdsink does
    if (!authorised(head)) {
      socket.end('HTTP/1.0 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.0 200 OK\r\nContent-Type: audio/x-raw\r\nConnection: close\r\nCache-Control: no-cache\r\n\r\n');
    viewers.add(socket);
    socket.once('close', () => {
      if (viewers.delete(socket)) ended['closed'] = (ended['closed'] ?? 0) + 1;
    });
  };
  socket.on('data', onData);
});

const source = spawn('gst-launch-1.0', ['-q', ...sourceLaunch(spec).split(' '), '!', 'fdsink', 'fd=1'], { stdio: ['ignore', 'pipe', 'inherit'] });
source.stdout.on('data', (chunk: Buffer) => {
  for (const socket of viewers) {
    if (socket.writableLength > MAX_LAG) {
      viewers.delete(socket);
      ended['slow'] = (ended['slow'] ?? 0) + 1;
      socket.destroy();
      continue;
    }
    socket.write(chunk);
    bytesServed += chunk.length;
  }
});

const lateness = new LatenessLog();
function beat(): void {
  const due = performance.now() + HEARTBEAT_SECONDS * 1000;
  setTimeout(() => {
    lateness.add(performance.now() - due);
    beat();
  }, HEARTBEAT_SECONDS * 1000);
}

server.listen({ port: numberFlag(flags, 'port', 0), host: '127.0.0.1', backlog: 4096 }, () => {
  beat();
  listenControl(() => ({ lateness: lateness.summary(), viewers: viewers.size, bytesServed: String(bytesServed), ended }),
    () => lateness.reset(), () => { source.kill(); process.exit(0); });
  announceReady((server.address() as { port: number }).port);
});
