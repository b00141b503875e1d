/**
 * The fan-out benchmark (issue 8): for each viewer count, the same load (loadgen.ts, a separate
 * process) against Torsion's fd hand-off and the baselines — JavaScript writes to Node sockets,
 * bare `tcpserversink`, Twisted 22.4 — one after the other; prints one JSON object with every
 * figure, each baseline as a ratio to Torsion's, and Torsion against the targets.
 * Run: npx tsx bench/fanout/main.ts [--viewers 100,1000] [--targets torsion,js,tcpserversink,twisted]
 *      [--seconds 10] [--kbps 64] [--bps 20] [--shards <cores>] [--add-batch <s>] [--send-buffer <bytes>]
 *      [--batch 200] [--out file.json]
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { byteRate, numberFlag, parseFlags, round } from './common';
import { runOne } from './run-one';
import { TARGETS, startTarget, type TargetName } from './targets';

const flags = parseFlags(process.argv.slice(2));
const counts = (flags.get('viewers') ?? '100,1000').split(',').map(Number);
const targets = (flags.get('targets') ?? TARGETS.join(',')).split(',') as TargetName[];
const spec = { kbps: numberFlag(flags, 'kbps', 64), buffersPerSecond: numberFlag(flags, 'bps', 20) };
const secret = 'fanout-benchmark-secret';
const seconds = numberFlag(flags, 'seconds', 10);
const shards = numberFlag(flags, 'shards', availableParallelism());
const addBatch = flags.has('add-batch') ? numberFlag(flags, 'add-batch', 0) : undefined;
const sendBuffer = flags.has('send-buffer') ? numberFlag(flags, 'send-buffer', 0) : undefined;
const nominal = byteRate(spec);

type Row = Record<string, unknown> & { rate?: { p1?: number | null }; latenessMs?: { p99?: number | null } | null };

function ratio(a: unknown, b: unknown): number | null {
  return typeof a === 'number' && typeof b === 'number' && b !== 0 ? round(a / b, 2) : null;
}

function compare(rows: Row[]): Record<string, unknown> {
  const base = rows.find((r) => r['target'] === 'torsion');
  if (base === undefined) return {};
  const out: Record<string, unknown> = {};
  for (const r of rows) {
    if (r === base) continue;
    out[r['target'] as string] = {
      cpuPerGiB: ratio(r['cpuSecondsPerGiB'], base['cpuSecondsPerGiB']),
      serverCpu: ratio(r['serverCpuPercent'], base['serverCpuPercent']),
      rssPerViewer: ratio(r['rssPerViewerKiB'], base['rssPerViewerKiB']),
      connectAuthRate: ratio(r['connectAuthPerSecond'], base['connectAuthPerSecond']),
      rateP1: ratio(r.rate?.p1, base.rate?.p1),
      latenessP99: ratio(r.latenessMs?.p99, base.latenessMs?.p99),
    };
  }
  return out;
}

function targetsMet(rows: Row[], viewers: number): Record<string, unknown> {
  const t = rows.find((r) => r['target'] === 'torsion');
  if (t === undefined) return {};
  const js = rows.find((r) => r['target'] === 'js');
  const tcp = rows.find((r) => r['target'] === 'tcpserversink');
  const cpu = t['cpuSecondsPerGiB'] as number | null;
  return {
    viewers,
    rateP1AtLeast95Percent: (t.rate?.p1 ?? 0) >= nominal * 0.95,
    latenessP99Under20ms: (t.latenessMs?.p99 ?? Infinity) < 20,
    noneStarved: t['starved'] === 0,
    cpu3xBelowJs: js === undefined || cpu === null ? null : (js['cpuSecondsPerGiB'] as number) >= 3 * cpu,
    cpuWithin125OfTcpserversink: tcp === undefined || cpu === null ? null : cpu <= 1.25 * (tcp['cpuSecondsPerGiB'] as number),
    rssPerViewerUnder20KiB: (t['rssPerViewerKiB'] as number) < 20,
  };
}

const runs: Array<Record<string, unknown>> = [];
for (const viewers of counts) {
  const rows: Row[] = [];
  for (const name of targets) {
    process.stderr.write(`fanout: ${name} × ${viewers}\n`);
    const target = await startTarget(name, {
      spec, secret, shards, ...(addBatch === undefined ? {} : { addBatch }), ...(sendBuffer === undefined ? {} : { sendBuffer }),
    });
    try {
      // tcpserversink listens with a tiny backlog: open its viewers a few at a time, each batch once
      // served (loadgen raw mode), and give it longer to ramp.
      const raw = name === 'tcpserversink';
      const batch = raw ? 5 : numberFlag(flags, 'batch', 200);
      rows.push(await runOne(target, { viewers, seconds, batch, kbps: spec.kbps, secret, rampTimeout: raw ? 120 : 60 }) as Row);
    } finally {
      await target.stop();
    }
  }
  runs.push({ viewers, results: rows, ratiosToTorsion: compare(rows), targets: targetsMet(rows, viewers) });
}
const report = { stream: { ...spec, bytesPerSecond: nominal }, shards, addBatch: addBatch ?? 'default', sendBuffer: sendBuffer ?? null, seconds, runs };
const text = JSON.stringify(report, null, 2);
if (flags.has('out')) writeFileSync(flags.get('out') as string, `${text}\n`);
process.stdout.write(`${text}\n`);
