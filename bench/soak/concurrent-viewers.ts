/**
 * Reproduction of the concurrent hand-off bug (docs/security.md, open issues): good viewers of
 * `torsion serve` that connect while others come and go are sometimes answered `200 OK` and then
 * closed (FIN) before a single media byte; the server logs them as `viewer left`, reason `closed`,
 * `bytesSent` 0. One at a time it never happens. Prints, per concurrency, how many of `--count`
 * good viewers (each reading 2,000 bytes, then leaving) were cut short; exits 1 if any was.
 *
 * Run: npx tsx bench/soak/concurrent-viewers.ts [--count 200] [--concurrency 1,4,16]
 */
import { rmSync } from 'node:fs';
import { runKind, startServe, tempDir, token, writeConfig } from '../../test/reliability/helpers';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
};
const COUNT = Number(arg('count', '200'));
const LEVELS = arg('concurrency', '1,4,16').split(',').map(Number);

const dir = tempDir('torsion-concurrent-');
const { server, port } = await startServe(writeConfig(dir));
const t = token('/', 3600);
let any = false;
try {
  await runKind('good', port, t, 0);
  for (const level of LEVELS) {
    let next = 0;
    let cut = 0;
    await Promise.all(Array.from({ length: level }, async () => {
      while (next < COUNT) {
        next++;
        const r = await runKind('good', port, t, 0);
        if (r.status === 200 && r.bytes < 2000) cut++;
      }
    }));
    any ||= cut > 0;
    console.log(JSON.stringify({ concurrency: level, viewers: COUNT, cutShort: cut }));
  }
  const closedAtZero = server.stderr().split('\n').filter((l) => /"msg":"viewer left".*"reason":"closed","bytesSent":"0"/.test(l)).length;
  console.log(JSON.stringify({ serverLoggedClosedWithZeroBytes: closedAtZero }));
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = any ? 1 : 0;
