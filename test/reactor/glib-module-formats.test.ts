/**
 * GLibReactor under both module formats (PITFALLS 2): the fixture is bundled as ESM and as CommonJS
 * and run in its own process; Node timers, promises and delayed calls fire while the GLib loop runs,
 * the timer canary stays quiet, and SIGTERM runs a graceful stop (shutdown triggers, exit 0). Also,
 * in a process of its own, an exception escaping an unguarded GLib callback is logged and the loop
 * resumed.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'torsion-glib-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bundle(format: 'esm' | 'cjs', fixture = 'glib-run'): string {
  const out = join(dir, `${fixture}.${format === 'esm' ? 'mjs' : 'cjs'}`);
  execFileSync(join(root, 'node_modules/.bin/esbuild'), [`test/reactor/fixtures/${fixture}.ts`, '--bundle', '--platform=node',
    `--format=${format}`, '--external:node-gtk', `--outfile=${out}`, '--log-level=error'], { cwd: root });
  return out;
}

function runBundle(file: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [file], { cwd: root, timeout: 20_000, env: { ...process.env, NODE_PATH: join(root, 'node_modules') } },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

describe('GLibReactor in ES module and CommonJS programs', () => {
  for (const format of ['esm', 'cjs'] as const) {
    it(`${format}: timers, promises and delayed calls fire; SIGTERM stops gracefully`, async () => {
      const out = await runBundle(bundle(format));
      const r = JSON.parse(out.trim()) as { flavour: string; timerTicks: number; promise: boolean; delayed: boolean; shutdownTrigger: boolean; errors: string[] };
      expect(r.flavour).toBe(format);
      expect(r.timerTicks).toBeGreaterThan(20); // a 10 ms interval over 0.6 s
      expect(r.promise).toBe(true);
      expect(r.delayed).toBe(true);
      expect(r.shutdownTrigger).toBe(true);
      expect(r.errors).toEqual([]);
    });
  }
});

describe('GLibReactor supervision', () => {
  it('logs an exception escaping an unguarded GLib callback and resumes the loop', async () => {
    const lines = (await runBundle(bundle('esm', 'glib-escape'))).trim().split('\n'); // node-gtk prints INFO lines too
    const r = JSON.parse(lines.at(-1) ?? '') as { after: boolean; messages: string[] };
    expect(r.after).toBe(true);
    expect(r.messages.filter((m) => m === 'An exception escaped the GLib main loop; resuming it')).toHaveLength(1);
  });
});
