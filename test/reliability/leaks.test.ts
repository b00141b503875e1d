/**
 * fd and memory leaks against a real `torsion serve` child process: thousands of
 * connect/auth/disconnect cycles mixing good viewers (handed off to multifdsink), wrong tokens,
 * clients that vanish mid-request-head, mid-response and mid-stream, and clients sending garbage
 * after the hand-off. After a warm-up (GLib and GStreamer open some fds lazily), the server's
 * `/proc/<pid>/fd` count must come back to the warmed-up baseline, `/stats` must show no viewer
 * left, RSS growth must stay bounded, and nothing is ever answered 5xx. RSS is read by the heap
 * probe inside the server right after a full GC: a bare /proc read also catches the V8 heap's
 * sawtooth, which swung ±10 MiB between rounds and failed the bound once on a busy CI machine. The
 * 10-minute soak is `bench/soak/main.ts`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { churn, fdCount, heapProbeEnv, heapSampleAfter, startServe, tempDir, token, waitFor, writeConfig } from './helpers';

const CYCLES = Number(process.env['TORSION_LEAK_CYCLES'] ?? 10000);
const dir = tempDir('torsion-leaks-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function viewers(port: number, t: string): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${port}/stats?token=${t}`);
  const s = await r.json() as { mounts: Array<{ viewers: number }> };
  return s.mounts.reduce((n, m) => n + m.viewers, 0);
}

describe('leaks: connect/auth/disconnect cycles against torsion serve', () => {
  it(`${CYCLES} mixed cycles leave fds at baseline and RSS bounded`, async () => {
    const heapFile = join(dir, 'heap.jsonl');
    // A probe sample (full GC, then process.memoryUsage()) every 500 ms.
    const { server, port } = await startServe(writeConfig(dir), heapProbeEnv(heapFile, 500, true));
    const pid = server.child.pid as number;
    const settled = async (): Promise<{ rss: number; heapUsed: number }> => heapSampleAfter(heapFile, pid, Date.now());
    const t = token('/', 3600);
    try {
      // Warm-up: every kind of client, a few times, so lazily opened fds and caches exist.
      const warm = await churn(port, 1200, 24, t);
      expect(warm.failures, JSON.stringify([...warm.results])).toEqual([]);
      await waitFor(async () => (await viewers(port, t)) === 0, 15_000, () => 'viewers never left after the warm-up');
      const fdBase = fdCount(pid);
      const base = await settled();

      // Two equal rounds: a leak grows RSS in both; heap warm-up only in the first.
      const started = Date.now();
      const half = Math.floor(CYCLES / 2);
      const rounds = [await churn(port, half, 24, t, 1200)];
      const mid = await settled();
      rounds.push(await churn(port, CYCLES - half, 24, t, 1200 + half));
      const seconds = (Date.now() - started) / 1000;
      const results = new Map<string, number>();
      for (const r of rounds) {
        expect(r.failures, JSON.stringify([...r.results])).toEqual([]);
        for (const [k, n] of r.results) results.set(k, (results.get(k) ?? 0) + n);
      }
      expect([...results.values()].reduce((a, b) => a + b, 0)).toBe(CYCLES);
      expect([...results.keys()].filter((k) => /:5\d\d$/.test(k))).toEqual([]);

      // Everyone has gone: the server forgets them and closes their fds.
      await waitFor(async () => (await viewers(port, t)) === 0, 20_000, () => 'viewers still registered');
      await waitFor(() => fdCount(pid) <= fdBase, 20_000, () => `fds ${fdCount(pid)} > baseline ${fdBase}`);
      const end = await settled();
      const mib = (n: number): string => (n / 2 ** 20).toFixed(1);
      const cutShort = rounds.reduce((n, r) => n + r.cutShort, 0);
      console.log(`leaks: ${CYCLES} cycles in ${seconds.toFixed(1)} s (${(CYCLES / seconds).toFixed(0)}/s), fds ${fdBase} → ${fdCount(pid)}, `
        + `RSS after GC ${mib(base.rss)} → ${mib(mid.rss)} → ${mib(end.rss)} MiB, JS heap ${mib(base.heapUsed)} → ${mib(mid.heapUsed)} → ${mib(end.heapUsed)} MiB, `
        + `good viewers cut short: ${cutShort}; ${JSON.stringify([...results])}`);
      // Bounded: the second round may not grow like a leak (10 MiB over 5,000 cycles is 2 KiB each)…
      expect(end.rss - mid.rss).toBeLessThan(10 * 2 ** 20);
      // …the live JS heap does not grow with the cycles…
      expect(end.heapUsed - base.heapUsed).toBeLessThan(4 * 2 ** 20);
      // …and warm-up overall stays modest.
      expect(end.rss - base.rss).toBeLessThan(64 * 2 ** 20);
      // The server still serves.
      const after = await churn(port, 6, 6, t, 0);
      expect(after.failures).toEqual([]);
      expect(await server.stop(), server.stderr().slice(-3000)).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 150_000);
});
