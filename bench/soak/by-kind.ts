/**
 * Memory per client kind: for each kind of client in test/reliability/helpers.ts, a fresh
 * `torsion serve` child process gets a warm-up of that kind, then `--cycles` more in rounds; the
 * RSS after each round is printed with the least-squares growth in bytes per cycle over the rounds
 * after the first (a leak shows as a steady positive figure; heap warm-up does not repeat).
 *
 * Run: npx tsx bench/soak/by-kind.ts [--cycles 20000] [--rounds 5] [--kinds good,wrong-token,…]
 */
import { rmSync } from 'node:fs';
import { fdCount, rssBytes, runKind, startServe, tempDir, token, writeConfig, type ClientKind } from '../../test/reliability/helpers';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
};
const CYCLES = Number(arg('cycles', '20000'));
const ROUNDS = Number(arg('rounds', '5'));
const KINDS = arg('kinds', 'good,wrong-token,vanish-head,vanish-response,vanish-stream,garbage').split(',') as ClientKind[];

async function run(port: number, kind: ClientKind, n: number, t: string): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < n) { const i = next++; await runKind(kind, port, t, i); }
  }));
}

for (const kind of KINDS) {
  const dir = tempDir('torsion-by-kind-');
  const { server, port } = await startServe(writeConfig(dir));
  const pid = server.child.pid as number;
  const t = token('/', 3600);
  try {
    await run(port, kind, 1000, t);
    const per = Math.floor(CYCLES / ROUNDS);
    const points: Array<[number, number]> = [];
    for (let r = 0; r < ROUNDS; r++) {
      await run(port, kind, per, t);
      points.push([(r + 1) * per, rssBytes(pid)]);
    }
    const tail = points.slice(1);
    const mx = tail.reduce((a, [x]) => a + x, 0) / tail.length;
    const my = tail.reduce((a, [, y]) => a + y, 0) / tail.length;
    const num = tail.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
    const den = tail.reduce((a, [x]) => a + (x - mx) ** 2, 0);
    console.log(JSON.stringify({ kind, cycles: CYCLES, rssMiB: points.map(([, y]) => +(y / 2 ** 20).toFixed(1)), fds: fdCount(pid),
      bytesPerCycle: den === 0 ? 0 : Math.round(num / den) }));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
