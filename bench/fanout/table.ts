/**
 * Prints the Markdown rows of docs/benchmarks.md from result files of main.ts: one row per target
 * and viewer count, with the load average of the machine over the measured window beside it.
 * Run: npx tsx bench/fanout/table.ts bench/fanout/results/<file>.json [label=<file>.json …]
 */
import { readFileSync } from 'node:fs';

type Row = Record<string, unknown> & {
  target: string;
  viewers: number;
  rate: { min: number | null; p1: number | null; p50: number | null };
  ttfbMs: { p50: number | null; p99: number | null };
  latenessMs: { p50: number | null; p99: number | null; max: number | null } | null;
  loadAverage?: { windowStart: number; windowEnd: number };
};

const HEADER = '| N | target | opened | connect+auth /s | TTFB p50/p99 ms | rate min/p1/p50 B/s | starved | server CPU % '
  + '| load-generator CPU % | CPU s/GiB | RSS MiB (base→run) | RSS/viewer KiB | lateness p50/p99/max ms | fds left | load avg |';

const v = (x: unknown): string => (x === null || x === undefined ? '–' : String(x));

function line(r: Row, label: string): string {
  const lat = r.latenessMs;
  const load = r.loadAverage === undefined ? '–' : `${r.loadAverage.windowStart}–${r.loadAverage.windowEnd}`;
  return `| ${r.viewers} | ${label === '' ? r.target : `${r.target}, ${label}`} | ${v(r['opened'])} | ${v(r['connectAuthPerSecond'])} `
    + `| ${v(r.ttfbMs.p50)}/${v(r.ttfbMs.p99)} | ${v(r.rate.min)}/${v(r.rate.p1)}/${v(r.rate.p50)} | ${v(r['starved'])} `
    + `| ${v(r['serverCpuPercent'])} | ${v(r['loadgenCpuPercent'])} | ${v(r['cpuSecondsPerGiB'])} `
    + `| ${v(r['rssBaselineMiB'])}→${v(r['rssMiB'])} | ${v(r['rssPerViewerKiB'])} `
    + `| ${lat === null ? '–' : `${v(lat.p50)}/${v(lat.p99)}/${v(lat.max)}`} | ${v(r['fdsLeft'])} | ${load} |`;
}

process.stdout.write(`${HEADER}\n${HEADER.replace(/[^|]+/g, ' --- ')}\n`);
for (const arg of process.argv.slice(2)) {
  const [label, file] = arg.includes('=') ? arg.split('=', 2) as [string, string] : ['', arg];
  const report = JSON.parse(readFileSync(file, 'utf8')) as { runs: Array<{ results: Row[] }> };
  for (const run of report.runs) for (const r of run.results) process.stdout.write(`${line(r, label)}\n`);
}
