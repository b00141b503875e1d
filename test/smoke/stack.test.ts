/**
 * The stack works end to end: node-gtk loads Gst, a pipeline reaches EOS on a running GLib loop, and
 * Node timers fire meanwhile (PITFALLS 2), under both CommonJS and ES modules. Each flavour runs in
 * its own process so the GLib loop never runs inside the vitest worker.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

function runFixture(name: string): Promise<{ flavour: string; gstVersion: string; eos: boolean; timerTicks: number; error: string | null }> {
  const file = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file], { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) { reject(new Error(`${name} failed: ${err.message}\n${stderr}`)); return; }
      resolve(JSON.parse(stdout.trim()));
    });
  });
}

describe('stack smoke test', () => {
  for (const fixture of ['stack-smoke.cjs', 'stack-smoke.mjs']) {
    it(`${fixture}: pipeline reaches EOS on the GLib loop while Node timers fire`, async () => {
      const r = await runFixture(fixture);
      expect(r.error).toBeNull();
      expect(r.gstVersion).toBe('1.22');
      expect(r.eos).toBe(true);
      // 30 frames at 30 fps with sync=true take about 1 s: a 20 ms interval must have ticked often.
      expect(r.timerTicks).toBeGreaterThan(20);
    });
  }
});
