/**
 * Hand-off benchmark (issue 5), one process on a GLibReactor; prints one JSON object.
 *  - handoff: 1,000 TCP clients accepted by Node, then dup + destroy + `addClient` each: latency
 *    from accept to the first byte the viewer receives from multifdsink (a 64 kbit/s stream in
 *    20 ms buffers, so up to 20 ms of it is waiting for the next buffer; the viewers share this
 *    process's JS thread), and adds per second of the hand-off itself (dup + destroy + add).
 *  - throughput: bytes per CPU-second (user + system of this process, viewers included, since
 *    they run in-process) for plain TCP, unix and TLS-bridged viewers fed by one live stream.
 * Run: npx tsx bench/handoff/main.ts [clients=1000] [seconds=3]
 */
import { createServer, connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { GLibReactor } from '../../src/reactor/impl/glib-reactor';
import { FdSink, Pipeline, stealSocketFd, type SinkClient } from '../../src/gst/index';

const CLIENTS = Number(process.argv[2] ?? 1000);
const SECONDS = Number(process.argv[3] ?? 3);
const reactor = new GLibReactor();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

async function handoff(): Promise<Record<string, number>> {
  const p = Pipeline.launch('audiotestsrc is-live=true samplesperbuffer=160 ! audio/x-raw,rate=8000,channels=1,format=S8 ! multifdsink name=sink sync=false', { reactor });
  const sink = FdSink.attach(p, 'sink', { syncMethod: 'latest' });
  await p.setState('playing');
  const latencies: number[] = [];
  let addTime = 0;
  const clients: SinkClient[] = [];
  const viewers: Socket[] = [];
  let firstBytes = 0;
  let resolveAll: () => void = () => undefined;
  const all = new Promise<void>((r) => { resolveAll = r; });
  const server = createServer((sock) => {
    const acceptedAt = performance.now();
    const viewer = pendingViewers.shift();
    const t = performance.now();
    const fd = stealSocketFd(sock);
    clients.push(sink.addClient(fd));
    addTime += performance.now() - t;
    viewer?.once('data', () => {
      latencies.push(performance.now() - acceptedAt);
      if (++firstBytes === CLIENTS) resolveAll();
    });
  });
  const pendingViewers: Socket[] = [];
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const started = performance.now();
  for (let i = 0; i < CLIENTS; i += 100) {
    const batch: Array<Promise<void>> = [];
    for (let j = i; j < Math.min(CLIENTS, i + 100); j++) {
      const v = connect(port, '127.0.0.1');
      v.on('data', () => undefined);
      v.on('error', () => undefined);
      viewers.push(v);
      pendingViewers.push(v);
      batch.push(new Promise((r) => v.once('connect', () => r())));
    }
    await Promise.all(batch);
  }
  await all;
  const wall = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  await p.dispose();
  await Promise.all(clients.map((c) => c.done));
  for (const v of viewers) v.destroy();
  server.close();
  return {
    clients: CLIENTS,
    latencyMsP50: +percentile(latencies, 0.5).toFixed(3),
    latencyMsP99: +percentile(latencies, 0.99).toFixed(3),
    latencyMsMax: +(latencies[latencies.length - 1] ?? NaN).toFixed(3),
    handoffUsMean: +((addTime / CLIENTS) * 1000).toFixed(1),
    addsPerSecond: Math.round(CLIENTS / (addTime / 1000)),
    rampSeconds: +wall.toFixed(3),
    bufferIntervalMs: 20,
  };
}

function certificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'torsion-bench-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=localhost',
      '-days', '1', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'k.pem'), 'utf8'), cert: readFileSync(join(dir, 'c.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function throughput(mode: 'tcp' | 'unix' | 'tls', viewersCount: number): Promise<Record<string, number | string>> {
  // 64 KiB buffers, 20 per second: 1.31 MB/s per viewer.
  const p = Pipeline.launch('audiotestsrc is-live=true wave=silence samplesperbuffer=2048 ! audio/x-raw,rate=40960,channels=8,format=S32LE ! multifdsink name=sink sync=false', { reactor });
  const sink = FdSink.attach(p, 'sink', { limits: { format: 'buffers', softMax: 20, recoverPolicy: 'latest' } });
  await p.setState('playing');
  let received = 0;
  const viewers: Socket[] = [];
  const accepted: Array<Promise<void>> = [];
  const path = join(tmpdir(), `torsion-bench-${process.pid}.sock`);
  const onSocket = (sock: Socket): void => { sink.addClient(mode === 'tls' ? sock : stealSocketFd(sock)); };
  const server = mode === 'tls' ? tls.createServer(certificate(), onSocket) : createServer(onSocket);
  await new Promise<void>((r) => (mode === 'unix' ? server.listen(path, r) : server.listen(0, '127.0.0.1', r)));
  const port = mode === 'unix' ? 0 : (server.address() as { port: number }).port;
  for (let i = 0; i < viewersCount; i++) {
    const v = mode === 'tls' ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false })
      : mode === 'unix' ? connect(path) : connect(port, '127.0.0.1');
    v.on('error', () => undefined);
    viewers.push(v);
    accepted.push(new Promise((r) => v.once('data', () => r())));
    v.on('data', (c: Buffer) => { received += c.length; });
  }
  await Promise.all(accepted);
  const bytes0 = received;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((r) => setTimeout(r, SECONDS * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - t0) / 1000;
  const bytes = received - bytes0;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  await p.dispose();
  for (const v of viewers) v.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  return {
    mode, viewers: viewersCount, seconds: +wall.toFixed(2), mbPerSecond: +(bytes / wall / 1e6).toFixed(2),
    cpuPercent: +((cpuSeconds / wall) * 100).toFixed(1), mbPerCpuSecond: +(bytes / cpuSeconds / 1e6).toFixed(1),
  };
}

async function main(): Promise<void> {
  const result: Record<string, unknown> = { node: process.version };
  result['handoff'] = await handoff();
  result['throughput'] = [await throughput('tcp', 20), await throughput('unix', 20), await throughput('tls', 20)];
  const plain = (result['throughput'] as Array<Record<string, number>>)[0]?.['mbPerCpuSecond'] ?? NaN;
  const bridged = (result['throughput'] as Array<Record<string, number>>)[2]?.['mbPerCpuSecond'] ?? NaN;
  result['tlsCpuCostVsPlain'] = +(plain / bridged).toFixed(2);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

reactor.callWhenRunning(() => {
  main().then(() => reactor.stop(), (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
    reactor.stop();
  });
});
void reactor.run({ installSignalHandlers: false });
