/**
 * Reactor benchmark (run: `npx tsx bench/reactor/main.ts`). In one process, one after another:
 * callLater throughput (a burst of zero-delay calls, and a chain where each call schedules the next)
 * and TCP ping-pong round trips per second (64-byte line-framed messages, client and server in this
 * process) on GLibReactor, NodeReactor and raw Node `net`, then the idle CPU of a running
 * GLibReactor over 2 s (/proc/self/stat). Raw `net` is also run inside a GLib loop, to separate
 * node-gtk's per-iteration cost from the reactor's own. Prints one JSON object with the figures and the ratios
 * against the reference numbers measured on this machine (Twisted's GLib reactor: 125 k callLater/s,
 * 9.9 k round trips/s; raw Node 39.9 k round trips/s).
 */
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Failure } from '../../src/defer/failure';
import { GLibReactor, NodeReactor } from '../../src/reactor/index';
import type { ClientFactory, Connector, Protocol, Reactor, Transport } from '../../src/reactor/index';

const REFERENCE = { twistedGlibCallLaterPerSec: 125_000, twistedGlibRoundTripsPerSec: 9_900, rawNodeRoundTripsPerSec: 39_900 };
const BURST = 200_000;
const CHAIN = 100_000;
const PING_SECONDS = 2;
const MESSAGE = Buffer.from(`${'x'.repeat(63)}\n`);

type AnyReactor = Reactor & { run(options?: { installSignalHandlers?: boolean }): PromiseLike<void> };

async function onReactor<T>(reactor: AnyReactor, body: () => Promise<T>): Promise<T> {
  let result: T | undefined;
  let error: unknown = null;
  reactor.callWhenRunning(() => {
    body().then((r) => {
      result = r;
    }, (e: unknown) => {
      error = e;
    }).finally(() => reactor.stop());
  });
  await reactor.run({ installSignalHandlers: false });
  if (error !== null) throw error;
  return result as T;
}

function callLaterBurst(reactor: Reactor): Promise<number> {
  return new Promise((resolve) => {
    let left = BURST;
    const start = performance.now();
    const tick = (): void => {
      if (--left === 0) resolve(BURST / ((performance.now() - start) / 1000));
    };
    for (let i = 0; i < BURST; i++) reactor.callLater(0, tick);
  });
}

function callLaterChain(reactor: Reactor): Promise<number> {
  return new Promise((resolve) => {
    let left = CHAIN;
    const start = performance.now();
    const hop = (): void => {
      if (--left === 0) resolve(CHAIN / ((performance.now() - start) / 1000));
      else reactor.callLater(0, hop);
    };
    reactor.callLater(0, hop);
  });
}

/** Line-framed echo: answers every complete line. */
class LineEcho implements Protocol {
  private transport: Transport | null = null;
  private pending = 0;
  makeConnection(transport: Transport): void {
    this.transport = transport;
  }
  dataReceived(data: Uint8Array): void {
    for (const byte of data) {
      this.pending++;
      if (byte === 10) {
        this.transport?.write(MESSAGE.subarray(0, this.pending));
        this.pending = 0;
      }
    }
  }
  connectionLost(): void {}
}

/** Sends a line, waits for the whole echoed line, repeats until the deadline. */
class PingClient implements Protocol, ClientFactory {
  transport: Transport | null = null;
  roundTrips = 0;
  private got = 0;
  private deadline = 0;
  private start = 0;
  done: (rate: number) => void = () => undefined;
  failed: (error: Error) => void = () => undefined;
  buildProtocol(): Protocol {
    return this;
  }
  clientConnectionFailed(_c: Connector, reason: Failure): void {
    this.failed(reason.value);
  }
  clientConnectionLost(): void {}
  makeConnection(transport: Transport): void {
    this.transport = transport;
    this.start = performance.now();
    this.deadline = this.start + PING_SECONDS * 1000;
    transport.write(MESSAGE);
  }
  dataReceived(data: Uint8Array): void {
    this.got += data.length;
    while (this.got >= MESSAGE.length) {
      this.got -= MESSAGE.length;
      this.roundTrips++;
      const now = performance.now();
      if (now >= this.deadline) {
        this.done(this.roundTrips / ((now - this.start) / 1000));
        this.transport?.loseConnection();
        return;
      }
      this.transport?.write(MESSAGE);
    }
  }
  connectionLost(): void {}
}

async function reactorPingPong(reactor: Reactor): Promise<number> {
  const port = await reactor.listenTCP(0, { buildProtocol: () => new LineEcho() }, { interface: '127.0.0.1' });
  const client = new PingClient();
  const rate = new Promise<number>((resolve, reject) => {
    client.done = resolve;
    client.failed = reject;
  });
  const host = port.getHost();
  reactor.connectTCP('127.0.0.1', host.type === 'TCP' ? host.port : 0, client);
  const result = await rate;
  await port.stopListening();
  return result;
}

function rawNodePingPong(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => {
      let pending = 0;
      socket.on('data', (data: Buffer) => {
        for (const byte of data) {
          pending++;
          if (byte === 10) {
            socket.write(MESSAGE.subarray(0, pending));
            pending = 0;
          }
        }
      });
      socket.on('error', () => undefined);
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      const client = net.connect(port, '127.0.0.1', () => {
        let got = 0;
        let roundTrips = 0;
        const start = performance.now();
        const deadline = start + PING_SECONDS * 1000;
        client.on('data', (data: Buffer) => {
          got += data.length;
          while (got >= MESSAGE.length) {
            got -= MESSAGE.length;
            roundTrips++;
            const now = performance.now();
            if (now >= deadline) {
              client.destroy();
              server.close();
              resolve(roundTrips / ((now - start) / 1000));
              return;
            }
            client.write(MESSAGE);
          }
        });
        client.write(MESSAGE);
      });
    });
  });
}

function cpuTicks(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100/s)
}

async function idleCpu(): Promise<number> {
  const reactor = new GLibReactor();
  return onReactor(reactor as unknown as AnyReactor, () => new Promise<number>((resolve) => {
    // Let start-up settle (canary, first timers), then measure 2 s of doing nothing.
    reactor.callLater(0.7, () => {
      const t0 = cpuTicks();
      const w0 = performance.now();
      reactor.callLater(2, () => resolve(((cpuTicks() - t0) / 100) / ((performance.now() - w0) / 1000) * 100));
    });
  }));
}

const round = (n: number): number => Math.round(n);

async function measure(make: () => Reactor): Promise<{ burst: number; chain: number; pingPong: number }> {
  const burstReactor = make();
  const burst = await onReactor(burstReactor as AnyReactor, () => callLaterBurst(burstReactor));
  const chainReactor = make();
  const chain = await onReactor(chainReactor as AnyReactor, () => callLaterChain(chainReactor));
  const pingReactor = make();
  const pingPong = await onReactor(pingReactor as AnyReactor, () => reactorPingPong(pingReactor));
  return { burst: round(burst), chain: round(chain), pingPong: round(pingPong) };
}

const idle = await idleCpu(); // first, before the load runs leave sockets and garbage behind
const glib = await measure(() => new GLibReactor() as unknown as Reactor);
const node = await measure(() => new NodeReactor() as unknown as Reactor);
const raw = round(await rawNodePingPong());
// Raw `net` code again, but inside a running GLib loop: separates node-gtk's loop cost from ours.
const rawInGlib = round(await onReactor(new GLibReactor() as unknown as AnyReactor, rawNodePingPong));
const result = {
  node: process.version,
  callLaterPerSec: { glibBurst: glib.burst, glibChain: glib.chain, nodeBurst: node.burst, nodeChain: node.chain },
  pingPongRoundTripsPerSec: { glib: glib.pingPong, node: node.pingPong, rawNode: raw, rawNodeInsideGlibLoop: rawInGlib },
  glibIdleCpuPercent: Math.round(idle * 100) / 100,
  reference: REFERENCE,
  ratios: {
    glibCallLaterBurstVsTwistedGlib: Math.round((glib.burst / REFERENCE.twistedGlibCallLaterPerSec) * 100) / 100,
    glibPingPongVsRawNodeSameRun: Math.round((glib.pingPong / raw) * 100) / 100,
    glibPingPongVsRawNodeInsideGlibLoop: Math.round((glib.pingPong / rawInGlib) * 100) / 100,
    glibPingPongVsRawNodeReference: Math.round((glib.pingPong / REFERENCE.rawNodeRoundTripsPerSec) * 100) / 100,
    nodePingPongVsRawNodeSameRun: Math.round((node.pingPong / raw) * 100) / 100,
    glibPingPongVsTwistedGlib: Math.round((glib.pingPong / REFERENCE.twistedGlibRoundTripsPerSec) * 100) / 100,
  },
  targets: { callLaterVsTwistedGlib: '>= 5', pingPongVsRawNode: '>= 0.8', idleCpuPercent: 0 },
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
