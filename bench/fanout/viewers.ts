/**
 * The viewers of the fan-out benchmark: `runViewers` opens `count` TCP connections to 127.0.0.1 in
 * batches, each sends its own request (`GET /live.raw?token=…` in http mode, nothing in raw mode
 * for tcpserversink) and then reads as fast as its socket delivers. After every viewer has its
 * first byte (or `rampTimeout`), the delivered bytes are counted over a `seconds` window. Bounded
 * in time (ramp timeout + window) and count; every socket is destroyed before it returns.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { percentile, round } from './common';

/** Options of {@link runViewers}. */
export interface ViewerOptions {
  readonly port: number;
  readonly count: number;
  /** Connections opened at once; the next batch starts when this one has connected. */
  readonly batch: number;
  /** Length of the measured window, seconds. */
  readonly seconds: number;
  /** `http`: send the request line (token included); `raw`: just read (tcpserversink). */
  readonly mode: 'http' | 'raw';
  /** The request target of viewer `i` (http mode), e.g. `/live.raw?token=…`. */
  readonly target: (i: number) => string;
  /** The nominal stream rate, bytes per second. */
  readonly nominal: number;
  /** Seconds from the first connect to stop opening viewers and to wait for first bytes, then measure anyway. */
  readonly rampTimeout: number;
  /**
   * Wait for each batch's first bytes (not just its connects) before opening the next: for servers
   * with a tiny listen backlog (tcpserversink), whose overflowing connects would sit in SYN-ACK backoff.
   */
  readonly awaitFirstByte?: boolean;
  /** Called at the start and end of the measured window (the orchestrator samples the server then). */
  readonly onEvent?: (event: 'window-start' | 'window-end') => void;
}

interface Viewer {
  socket: Socket;
  started: number;
  authed: number;
  firstByte: number;
  bytes: number;
  atWindowStart: number;
  atWindowEnd: number;
  head: string;
  status: number;
  closed: boolean;
  /** Called once, on the first body byte (raw-mode batches wait for it). */
  onFirstByte: (() => void) | null;
}

/** What {@link runViewers} measured. */
export interface ViewerReport {
  readonly viewers: number;
  /** Viewers opened before the ramp deadline. */
  readonly opened: number;
  readonly connected: number;
  readonly authed: number;
  readonly refused: number;
  readonly rampSeconds: number | null;
  /** Viewers admitted per second: from the first connect to the last response head (raw mode: connect). */
  readonly connectAuthPerSecond: number | null;
  readonly ttfbMs: { p50: number | null; p99: number | null; max: number | null };
  readonly windowSeconds: number | null;
  /** Per-viewer delivered rate in the window, bytes/s. */
  readonly rate: { min: number | null; p1: number | null; p50: number | null; nominal: number };
  /** Viewers below 95 % of nominal in the window. */
  readonly below95: number;
  /** Viewers below 50 % of nominal in the window, or closed before its end. */
  readonly starved: number;
  readonly closedEarly: number;
  readonly bytesInWindow: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * One receive buffer shared by every viewer: with `onread`, Node reads into it and calls back with
 * the byte count, so a read allocates no Buffer and emits no 'data' event. At 10,000 viewers × 20
 * buffers/s the load generator does 200k reads/s on the same 2 cores as the server; this keeps its
 * share small (it is measured as loadgenCpuPercent).
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

function onBytes(options: ViewerOptions, v: Viewer, chunk: Buffer): void {
  if (options.mode === 'http' && v.status === 0) {
    v.head += chunk.toString('latin1');
    const end = v.head.indexOf('\r\n\r\n');
    if (end === -1) return;
    v.status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(v.head)?.[1] ?? 999);
    v.authed = performance.now();
    const body = Buffer.byteLength(v.head, 'latin1') - end - 4;
    v.head = '';
    if (body <= 0) return;
    chunk = chunk.subarray(chunk.length - body);
  }
  if (v.firstByte === 0) {
    v.firstByte = performance.now();
    v.onFirstByte?.();
  }
  v.bytes += chunk.length;
}

function open(options: ViewerOptions, i: number): Viewer {
  const v = { started: performance.now(), authed: 0, firstByte: 0, bytes: 0, atWindowStart: 0, atWindowEnd: 0, head: '',
    status: 0, closed: false, onFirstByte: null } as Omit<Viewer, 'socket'> as Viewer;
  v.socket = connect({
    port: options.port, host: '127.0.0.1',
    onread: { buffer: READ_BUFFER, callback: (n: number, buf: Uint8Array) => { onBytes(options, v, buf.subarray(0, n) as Buffer); return true; } },
  });
  v.socket.on('error', () => undefined);
  v.socket.once('close', () => { v.closed = true; });
  v.socket.once('connect', () => {
    if (options.mode === 'http') v.socket.write(`GET ${options.target(i)} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`);
    else v.authed = performance.now();
  });
  return v;
}

/** Opens the viewers, measures, closes them. */
export async function runViewers(options: ViewerOptions): Promise<ViewerReport> {
  const viewers: Viewer[] = [];
  const t0 = performance.now();
  const deadline = t0 + options.rampTimeout * 1000;
  for (let i = 0; i < options.count && performance.now() < deadline; i += options.batch) {
    const batch: Array<Promise<void>> = [];
    for (let j = i; j < Math.min(options.count, i + options.batch); j++) {
      const v = open(options, j);
      viewers.push(v);
      batch.push(new Promise((r) => {
        const first = options.awaitFirstByte === true;
        if (first) v.onFirstByte = () => r(); else v.socket.once('connect', () => r());
        v.socket.once('close', () => r());
        if (first) setTimeout(r, 5000);
      }));
    }
    await Promise.all(batch);
  }
  while (performance.now() < deadline && viewers.some((v) => v.firstByte === 0 && !v.closed && v.status <= 200)) await sleep(50);
  const authedViewers = viewers.filter((v) => v.authed > 0 && (options.mode === 'raw' || v.status === 200));
  const lastAuth = Math.max(...authedViewers.map((v) => v.authed));
  const lastFirst = Math.max(...viewers.map((v) => v.firstByte));
  await sleep(1000);                                           // let the last joiners settle
  options.onEvent?.('window-start');
  const w0 = performance.now();
  for (const v of viewers) v.atWindowStart = v.bytes;
  await sleep(options.seconds * 1000);
  for (const v of viewers) v.atWindowEnd = v.bytes;
  const windowSeconds = (performance.now() - w0) / 1000;
  options.onEvent?.('window-end');
  // Viewers never opened (ramp deadline) count as starved: they got nothing.
  const rates = [...viewers, ...Array.from({ length: options.count - viewers.length }, () => null)].map((v) => (v === null || v.closed ? 0 : (v.atWindowEnd - v.atWindowStart) / windowSeconds)).sort((a, b) => a - b);
  const ttfb = viewers.filter((v) => v.firstByte > 0).map((v) => v.firstByte - v.started).sort((a, b) => a - b);
  const report: ViewerReport = {
    viewers: options.count,
    opened: viewers.length,
    connected: viewers.filter((v) => v.authed > 0 || v.firstByte > 0 || v.status > 0).length,
    authed: authedViewers.length,
    refused: viewers.filter((v) => v.status > 200).length,
    rampSeconds: round((Math.max(lastAuth, lastFirst) - t0) / 1000, 3),
    connectAuthPerSecond: authedViewers.length === 0 ? null : round(authedViewers.length / ((lastAuth - t0) / 1000), 0),
    ttfbMs: { p50: round(percentile(ttfb, 0.5), 1), p99: round(percentile(ttfb, 0.99), 1), max: round(ttfb[ttfb.length - 1] ?? NaN, 1) },
    windowSeconds: round(windowSeconds, 3),
    rate: { min: round(rates[0] ?? NaN, 0), p1: round(percentile(rates, 0.01), 0), p50: round(percentile(rates, 0.5), 0), nominal: options.nominal },
    below95: rates.filter((r) => r < options.nominal * 0.95).length,
    starved: rates.filter((r) => r < options.nominal * 0.5).length,
    closedEarly: viewers.filter((v) => v.closed).length,
    bytesInWindow: viewers.reduce((sum, v) => sum + (v.atWindowEnd - v.atWindowStart), 0),
  };
  await sleep(500);                                            // the server reports before its viewers leave
  for (const v of viewers) v.socket.destroy();
  return report;
}
