/**
 * One measurement of the fan-out benchmark: a started target (targets.ts), a load generator
 * process (loadgen.ts) against it, and the server sampled from /proc at the window's edges (CPU,
 * RSS) and through its control path (timer lateness); afterwards the fds it still holds.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { round } from './common';
import { fdCount, loadAverage, threadCpuByName, treeCpu, treeCpuSeconds, treeRssBytes } from './proc';
import type { RunningTarget } from './targets';

/** Load options of one run. */
export interface RunOptions {
  readonly viewers: number;
  readonly seconds: number;
  readonly batch: number;
  readonly kbps: number;
  readonly secret: string;
  /** Seconds the load generator waits for every first byte (default 60). */
  readonly rampTimeout?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const GIB = 2 ** 30;

/** Runs the load against `target` and returns every figure of the run. */
export async function runOne(target: RunningTarget, options: RunOptions): Promise<Record<string, unknown>> {
  await sleep(1000);
  const fdsBefore = fdCount(target.pid);
  const rssBefore = treeRssBytes(target.pid);
  const loadgen = spawn('bash', ['-c', 'ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"', 'bash',
    process.execPath, '--import', 'tsx', fileURLToPath(new URL('./loadgen.ts', import.meta.url)),
    '--port', String(target.port), '--viewers', String(options.viewers), '--seconds', String(options.seconds),
    '--batch', String(options.batch), '--mode', target.mode, '--secret', options.secret, '--kbps', String(options.kbps),
    '--ramp-timeout', String(options.rampTimeout ?? 60)],
  { stdio: ['ignore', 'pipe', 'inherit'] });
  let cpu0 = { user: 0, system: 0 };
  let cpu1 = { user: 0, system: 0 };
  let loadCpu0 = 0;
  let loadCpu1 = 0;
  let rssDuring = 0;
  let threads0: Record<string, number> = {};
  let threads1: Record<string, number> = {};
  const load = { atStart: loadAverage(), windowStart: NaN, windowEnd: NaN };
  let serverReport: Record<string, unknown> | null = null;
  let result: Record<string, unknown> | null = null;
  const pending: Array<Promise<unknown>> = [];
  const lines = createInterface({ input: loadgen.stdout });
  lines.on('line', (line) => {
    let o: Record<string, unknown>;
    try { o = JSON.parse(line) as Record<string, unknown>; } catch { return; }
    if (o['event'] === 'window-start') {
      cpu0 = treeCpu(target.pid);
      threads0 = threadCpuByName(target.pid);
      load.windowStart = loadAverage();
      loadCpu0 = treeCpuSeconds(loadgen.pid as number);
      pending.push(target.command('reset'));
    } else if (o['event'] === 'window-end') {
      cpu1 = treeCpu(target.pid);
      threads1 = threadCpuByName(target.pid);
      load.windowEnd = loadAverage();
      loadCpu1 = treeCpuSeconds(loadgen.pid as number);
      rssDuring = treeRssBytes(target.pid);
      pending.push(target.command('report').then((r) => { serverReport = r; }));
    } else if (o['event'] === 'result') {
      result = o;
    }
  });
  await new Promise<void>((r) => loadgen.once('exit', () => r()));
  await Promise.all(pending);
  let fdsAfter = fdCount(target.pid);
  for (let i = 0; i < 40 && fdsAfter > fdsBefore; i++) {
    await sleep(250);
    fdsAfter = fdCount(target.pid);
  }
  const r = (result ?? {}) as { bytesInWindow?: number; windowSeconds?: number };
  const bytes = r.bytesInWindow ?? 0;
  const window = r.windowSeconds ?? options.seconds;
  const cpu = cpu1.user + cpu1.system - cpu0.user - cpu0.system;
  const server = serverReport as { lateness?: unknown; ended?: unknown } | null;
  return {
    target: target.name,
    ...(result ?? { error: 'the load generator printed no result' }),
    event: undefined,
    serverCpuPercent: round((cpu / window) * 100, 1),
    serverSystemCpuShare: cpu > 0 ? round((cpu1.system - cpu0.system) / cpu, 2) : null,
    loadgenCpuPercent: round(((loadCpu1 - loadCpu0) / window) * 100, 1),
    // Per thread name, % of one core in the window (the server process only, not its children).
    serverThreadCpuPercent: Object.fromEntries(Object.entries(threads1)
      .map(([name, t]) => [name, round(((t - (threads0[name] ?? 0)) / window) * 100, 1)])
      .filter(([, v]) => (v as number) >= 0.5)),
    loadAverage: load,
    cpuSecondsPerGiB: bytes > 0 ? round(cpu / (bytes / GIB), 2) : null,
    rssBaselineMiB: round(rssBefore / 2 ** 20, 1),
    rssMiB: round(rssDuring / 2 ** 20, 1),
    rssPerViewerKiB: round((rssDuring - rssBefore) / options.viewers / 1024, 2),
    latenessMs: server?.lateness ?? null,
    serverEnded: server?.ended ?? null,
    fdsBefore,
    fdsLeft: fdsAfter - fdsBefore,
  };
}
