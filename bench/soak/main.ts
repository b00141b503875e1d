/**
 * Soak test (issue 9): runs a `torsion serve` child process for `--duration` seconds (default
 * 600) under a steady mix of clients — long-lived viewers that reconnect, plus a churn of good
 * viewers, wrong tokens and clients vanishing mid-head, mid-response and mid-stream (the kinds of
 * test/reliability/helpers.ts) — and records the server's RSS and open fds every `--interval`
 * seconds (default 10). At the end the clients stop and the fd count must return to its
 * warmed-up baseline; over the last two thirds of the run the slope of RSS must stay under
 * `--max-rss-slope` MiB per minute (default 1) and that of the fd count under 0.5 per minute. The
 * slope is Theil–Sen's (the median of the slopes between every two samples), which a steady leak
 * moves as much as least squares does but a one-off drop does not: in one 600 s run glibc gave
 * 27 MiB back to the kernel at 190 s and refilled it over the next minute, and the least-squares
 * slope of that V read 1.16 MiB/min while RSS grew 1.5 MiB from start to end. The summary prints
 * both (`rssSlopeMiBPerMinute`, `rssLeastSquaresSlope`).
 * Prints one JSON line per sample and a JSON summary; exits 1 on an upward trend or a leak.
 *
 * The server is started with bench/soak/heap-probe.cjs preloaded, so each sample also carries the
 * server's `process.memoryUsage()` (heapUsed, external, arrayBuffers) and the summary gives their
 * slopes beside the RSS slope: growth in heapUsed is JS objects kept alive, growth in RSS alone is
 * native (GLib/GStreamer, malloc arenas). `--gc 1` takes each of those samples after a full GC
 * (then heapUsed is the live heap, not garbage waiting for collection).
 *
 * `--concurrency 0 --viewers 0` runs the server with no clients at all (the stream alone).
 *
 * Run: npx tsx bench/soak/main.ts [--duration 600] [--interval 10] [--concurrency 8] [--viewers 20] [--gc 0|1] [--kinds good,wrong-token,…]
 */
import { connect, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  CLIENT_KINDS, churn, fdCount, get, heapProbeEnv, readHeapSamples, rssBytes, startServe, tempDir, token, waitFor, writeConfig, type ClientKind,
} from '../../test/reliability/helpers';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i < 0 ? undefined : Number(process.argv[i + 1]);
  return v === undefined || !Number.isFinite(v) ? fallback : v;
}

const DURATION = flag('duration', 600);
const INTERVAL = flag('interval', 10);
const CONCURRENCY = flag('concurrency', 8);
const VIEWERS = flag('viewers', 20);
const MAX_RSS_SLOPE = flag('max-rss-slope', 1);
const MAX_FD_SLOPE = 0.5;
const GC = flag('gc', 0) === 1;
/** `--kinds good,wrong-token`: churn only these client kinds (default: the whole mix), to tell which kind of cycle costs memory. */
const KINDS: readonly ClientKind[] = (() => {
  const i = process.argv.indexOf('--kinds');
  if (i < 0) return CLIENT_KINDS;
  const asked = (process.argv[i + 1] ?? '').split(',').filter((k) => k !== '');
  const unknown = asked.filter((k) => !CLIENT_KINDS.includes(k as ClientKind));
  if (asked.length === 0 || unknown.length > 0) throw new Error(`--kinds takes a comma list of ${CLIENT_KINDS.join(', ')}`);
  return asked as ClientKind[];
})();


const MIB = 2 ** 20;

/** Theil–Sen slope of y over x: the median of the slopes between every two points. */
function robustSlope(points: ReadonlyArray<[number, number]>): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const [x1, y1] = points[i] as [number, number];
      const [x2, y2] = points[j] as [number, number];
      if (x2 !== x1) slopes.push((y2 - y1) / (x2 - x1));
    }
  }
  if (slopes.length === 0) return 0;
  slopes.sort((a, b) => a - b);
  const mid = Math.floor(slopes.length / 2);
  return slopes.length % 2 === 1 ? slopes[mid] as number : ((slopes[mid - 1] as number) + (slopes[mid] as number)) / 2;
}

/** Least-squares slope of y over x. */
function slope(points: ReadonlyArray<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) { num += (x - mx) * (y - my); den += (x - mx) ** 2; }
  return den === 0 ? 0 : num / den;
}

/** A viewer that reads for `seconds`, then reconnects, until `stop()`. */
function longViewer(port: number, t: string, seconds: number, index: number): { stop: () => void; bytes: () => number } {
  let socket: Socket | null = null;
  let stopped = false;
  let total = 0;
  let timer: NodeJS.Timeout | null = null;
  const open = (): void => {
    if (stopped) return;
    const s = connect(port, '127.0.0.1');
    socket = s;
    s.on('data', (c: Buffer) => { total += c.length; });
    s.on('error', () => undefined);
    s.on('close', () => { if (timer !== null) clearTimeout(timer); if (!stopped) setTimeout(open, 200); });
    s.write(get(`${index % 2 === 0 ? '/live.webm' : '/live.ogg'}?token=${t}`));
    timer = setTimeout(() => s.destroy(), seconds * 1000 * (0.5 + ((index * 7919) % 100) / 100));
  };
  open();
  return { stop: () => { stopped = true; socket?.destroy(); }, bytes: () => total };
}

async function main(): Promise<number> {
  const dir = tempDir('torsion-soak-');
  const heapFile = join(dir, 'heap.jsonl');
  const spawnedAt = Date.now();
  const { server, port } = await startServe(writeConfig(dir, { slowViewers: { timeout: 5 } }), {
    ...heapProbeEnv(heapFile, INTERVAL * 1000, GC),
  });
  const pid = server.child.pid as number;
  const t = token('/', DURATION + 3600);
  try {
    // Warm-up: every kind of client, so lazily opened fds exist before the baseline.
    if (CONCURRENCY > 0) await churn(port, 600, CONCURRENCY, t, 0, KINDS);
    await waitFor(async () => {
      const s = await (await fetch(`http://127.0.0.1:${port}/stats?token=${t}`)).json() as { mounts: Array<{ viewers: number }> };
      return s.mounts.every((m) => m.viewers === 0);
    }, 20_000, () => 'viewers left after the warm-up');
    const fdBase = fdCount(pid);
    const rssBase = rssBytes(pid);
    const started = Date.now();
    const deadline = started + DURATION * 1000;
    const viewers = Array.from({ length: VIEWERS }, (_, i) => longViewer(port, t, 30, i));
    let cycles = 0;
    let cutShort = 0;
    const failures: string[] = [];
    const load = (async () => {
      let at = 600;
      while (CONCURRENCY > 0 && Date.now() < deadline) {
        const r = await churn(port, 200, CONCURRENCY, t, at, KINDS);
        at += 200;
        cycles += 200;
        cutShort += r.cutShort;
        failures.push(...r.failures.slice(0, Math.max(0, 20 - failures.length)));
      }
    })();
    const samples: Array<{ t: number; rssMiB: number; fds: number; cycles: number; heapUsedMiB?: number; externalMiB?: number }> = [];
    const sample = (): void => {
      const heap = readHeapSamples(heapFile, pid).at(-1);
      const s = { t: Math.round((Date.now() - started) / 1000), rssMiB: +(rssBytes(pid) / MIB).toFixed(2), fds: fdCount(pid), cycles,
        ...(heap === undefined ? {} : { heapUsedMiB: +(heap.heapUsed / MIB).toFixed(2), externalMiB: +(heap.external / MIB).toFixed(2) }) };
      samples.push(s);
      console.log(JSON.stringify(s));
    };
    sample();
    await new Promise<void>((resolve) => {
      const every = setInterval(() => {
        sample();
        if (Date.now() >= deadline) { clearInterval(every); resolve(); }
      }, INTERVAL * 1000);
    });
    await load;
    for (const v of viewers) v.stop();
    const viewerBytes = viewers.reduce((a, v) => a + v.bytes(), 0);
    let fdsBack = true;
    try {
      await waitFor(() => fdCount(pid) <= fdBase, 30_000, () => `fds ${fdCount(pid)} > ${fdBase}`);
    } catch {
      fdsBack = false;
    }
    const tail = samples.slice(Math.floor(samples.length / 3));
    const rssSlope = robustSlope(tail.map((s) => [s.t / 60, s.rssMiB]));
    const rssLeastSquares = slope(tail.map((s) => [s.t / 60, s.rssMiB]));
    const fdSlope = robustSlope(tail.map((s) => [s.t / 60, s.fds]));
    // The probe's own samples (its clock starts with the server), over the same last two thirds.
    const heap = readHeapSamples(heapFile, pid);
    const warmup = (started - spawnedAt) / 1000;
    const heapRun = heap.filter((h) => h.t >= warmup);
    const heapTail = heapRun.slice(Math.floor(heapRun.length / 3));
    const heapSlope = (key: 'heapUsed' | 'external' | 'arrayBuffers' | 'rss'): number =>
      +slope(heapTail.map((h) => [h.t / 60, h[key] / MIB])).toFixed(3);
    const first = heapRun[0];
    const last = heapRun.at(-1);
    const summary = {
      durationSeconds: DURATION, cycles, cutShortGoodViewers: cutShort, failures: failures.length, longViewerBytes: viewerBytes,
      fdBaseline: fdBase, fdEnd: fdCount(pid), fdsBack, fdSlopePerMinute: +fdSlope.toFixed(3),
      rssBaselineMiB: +(rssBase / 2 ** 20).toFixed(1), rssEndMiB: +(rssBytes(pid) / 2 ** 20).toFixed(1),
      rssMaxMiB: Math.max(...samples.map((s) => s.rssMiB)), rssSlopeMiBPerMinute: +rssSlope.toFixed(3),
      rssLeastSquaresSlope: +rssLeastSquares.toFixed(3),
      ...(first === undefined || last === undefined ? {} : {
        gcBeforeSamples: GC,
        heapUsedMiB: [+(first.heapUsed / MIB).toFixed(1), +(last.heapUsed / MIB).toFixed(1)],
        externalMiB: [+(first.external / MIB).toFixed(1), +(last.external / MIB).toFixed(1)],
        nativeContexts: [first.nativeContexts, last.nativeContexts], detachedContexts: [first.detachedContexts, last.detachedContexts],
        heapUsedSlopeMiBPerMinute: heapSlope('heapUsed'), externalSlopeMiBPerMinute: heapSlope('external'),
        arrayBuffersSlopeMiBPerMinute: heapSlope('arrayBuffers'), probeRssSlopeMiBPerMinute: heapSlope('rss'),
      }),
      serverAlive: server.child.exitCode === null,
    };
    const ok = fdsBack && failures.length === 0 && rssSlope < MAX_RSS_SLOPE && fdSlope < MAX_FD_SLOPE && summary.serverAlive;
    const code = await server.stop();
    console.log(JSON.stringify({ ...summary, stopExit: code, ok: ok && code === 0 }));
    if (failures.length > 0) console.error(failures.join('\n'));
    return ok && code === 0 ? 0 : 1;
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
