/**
 * Regression: overlapping hand-offs must not cut viewers short. multifdsink's poll thread keys its
 * last poll() results by fd number; when a departing viewer's fd was closed at once and the next
 * viewer's dup reused the number, the next viewer was dropped right after `200 OK` (22 % of good
 * viewers at 16 in flight). FdSink now holds a released fd briefly before closing it.
 * Reproduction at larger scale: bench/soak/concurrent-viewers.ts.
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runKind, startServe, tempDir, token, writeConfig } from './helpers';

describe('overlapping hand-offs', () => {
  it('serves every good viewer media when 16 come and go at once', async () => {
    const dir = tempDir('torsion-overlap-');
    const { server, port } = await startServe(writeConfig(dir));
    try {
      const t = token('/', 3600);
      await runKind('good', port, t, 0);
      let next = 0;
      const results: Array<{ status: number | null; bytes: number }> = [];
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < 160) {
          next++;
          results.push(await runKind('good', port, t, 0));
        }
      }));
      expect(results).toHaveLength(160);
      const cut = results.filter((r) => r.status === 200 && r.bytes < 2000).length;
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(cut).toBe(0);
      expect(server.stderr()).not.toMatch(/"msg":"viewer left".*"reason":"closed","bytesSent":"0"/);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
