/**
 * The load generator process of the fan-out benchmark (run by main.ts, or alone): opens the viewers
 * of viewers.ts against 127.0.0.1:<port>, each with its own token, and prints JSON lines on stdout:
 * `{"event":"window-start"}`, `{"event":"window-end"}`, then `{"event":"result",…}`. Exits when done.
 * Run: npx tsx bench/fanout/loadgen.ts --port P --viewers 1000 [--seconds 10] [--batch 200]
 *      [--mode http|raw (raw: batches wait for first bytes)] [--secret S] [--kbps 64] [--ramp-timeout 60]
 */
import { mintToken } from '../../src/index';
import { byteRate, numberFlag, parseFlags } from './common';
import { runViewers } from './viewers';

const flags = parseFlags(process.argv.slice(2));
const secret = flags.get('secret') ?? 'fanout-benchmark-secret';
const expires = Math.floor(Date.now() / 1000) + 3600;
const emit = (o: Record<string, unknown>): void => { process.stdout.write(`${JSON.stringify(o)}\n`); };

const report = await runViewers({
  port: numberFlag(flags, 'port', 0),
  count: numberFlag(flags, 'viewers', 100),
  batch: numberFlag(flags, 'batch', 200),
  seconds: numberFlag(flags, 'seconds', 10),
  mode: flags.get('mode') === 'raw' ? 'raw' : 'http',
  awaitFirstByte: flags.get('mode') === 'raw',
  target: (i) => `/live.raw?token=${mintToken(secret, '/live.raw', expires + (i % 60))}`,
  nominal: byteRate({ kbps: numberFlag(flags, 'kbps', 64), buffersPerSecond: 20 }),
  rampTimeout: numberFlag(flags, 'ramp-timeout', 60),
  onEvent: (event) => emit({ event }),
});
emit({ event: 'result', ...report });
process.exit(0);
