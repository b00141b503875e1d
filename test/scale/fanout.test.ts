/**
 * The 1,000-viewer correctness run of issue 8 (not a timing assertion): the fan-out benchmark's
 * Torsion server (bench/fanout/torsion-server.ts, a child process with the HTTP hand-off, HMAC
 * tokens, two multifdsink shards and hand-offs added in 50 ms batches) and its load generator (another child) with 1,000 viewers,
 * each with its own token, reading for 20 s. Every viewer is admitted and gets at least half the
 * nominal 8000 B/s, none is dropped or starved, and the server holds no fd more afterwards.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { byteRate } from '../../bench/fanout/common';
import { runOne } from '../../bench/fanout/run-one';
import { startTarget, type RunningTarget } from '../../bench/fanout/targets';

const VIEWERS = 1000;
const SECONDS = 20;
const spec = { kbps: 64, buffersPerSecond: 20 };
const secret = 'scale-test-secret-0123456789';

interface Figures {
  authed: number;
  refused: number;
  starved: number;
  closedEarly: number;
  rate: { min: number | null };
  fdsLeft: number;
  serverEnded: Record<string, number> | null;
}

describe('fan-out at 1,000 viewers', () => {
  let target: RunningTarget | null = null;
  afterAll(async () => {
    await target?.stop();
  });

  it('serves every viewer at its rate for 20 s and leaves no fd behind', async () => {
    target = await startTarget('torsion', { spec, secret, shards: 2 });
    const r = await runOne(target, { viewers: VIEWERS, seconds: SECONDS, batch: 100, kbps: spec.kbps, secret, rampTimeout: 30 }) as unknown as Figures;
    expect(r.authed).toBe(VIEWERS);
    expect(r.refused).toBe(0);
    expect(r.closedEarly).toBe(0);
    expect(r.starved).toBe(0);
    expect(r.rate.min ?? 0).toBeGreaterThanOrEqual(byteRate(spec) * 0.5);
    expect(r.serverEnded?.['slow'] ?? 0).toBe(0);
    expect(r.fdsLeft).toBe(0);
  }, 100_000);
});
