/**
 * The custom component of docs/guide.md ("7. Writing a component"): every code block the guide
 * marks `guide-example: <file>` is that file's text, and the example it comes from runs against
 * real GStreamer — the `LevelMeter` goes hungry → happy, its measurements grow and its peaks are
 * those of the test source's ticks (volume 0.3, about -10.5 dB), the WebM stream it feeds decodes
 * (VP8 and Vorbis, through souphttpsrc), and SIGTERM ends it with exit 0.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startExampleServer } from './helpers';
import { gstUntil, playedTail, sinkChains } from '../components/helpers/serve';

const root = fileURLToPath(new URL('../..', import.meta.url));

function guideExamples(): Array<{ file: string; code: string }> {
  const guide = readFileSync(join(root, 'docs/guide.md'), 'utf8');
  return [...guide.matchAll(/<!-- guide-example: (\S+) -->\s*```ts\n([\s\S]*?)```/g)].map((m) => ({ file: m[1] as string, code: m[2] as string }));
}

interface MeterStats { mood: string; measurements: number; peakDb: Array<number | null>; loudestDb: number | null }

describe('the custom component of the guide (examples/custom-component)', () => {
  it('shows in the guide exactly the code of the example files', () => {
    const blocks = guideExamples();
    expect(blocks.map((b) => b.file)).toEqual(['examples/custom-component/level-meter.ts', 'examples/custom-component/main.ts']);
    for (const { file, code } of blocks) {
      expect(code.trim().split('\n').length).toBeGreaterThan(10);
      expect(readFileSync(join(root, file), 'utf8'), `the guide's block differs from ${file}`).toContain(code.trim());
    }
  });

  it('measures the audio it passes on: happy, growing measurements, the ticks\' peak, and a decodable stream', async () => {
    const server = await startExampleServer({ TORSION_LOG_LEVEL: 'info' }, 60_000, 'examples/custom-component/main.ts');
    try {
      const meter = async (): Promise<MeterStats> => {
        const stats = await (await fetch(`${server.base}/stats?token=${server.token}`)).json() as { components: Array<MeterStats & { name: string }> };
        const m = stats.components.find((c) => c.name === 'meter');
        if (m === undefined) throw new Error('no meter in /stats');
        return m;
      };
      /** Polls /stats until the meter's line satisfies `ok` (bounded by a deadline). */
      const meterWhen = async (ok: (m: MeterStats) => boolean, what: string): Promise<MeterStats> => {
        const deadline = Date.now() + 20_000;
        for (;;) {
          const m = await meter();
          if (ok(m)) return m;
          if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(m)}\n${server.output()}`);
          await new Promise((r) => setTimeout(r, 100)); // polling /stats, not synchronisation
        }
      };
      // Hungry until the first `level` message, then happy (logged as mood changes).
      const first = await meterWhen((m) => m.mood === 'happy', 'the meter never turned happy');
      expect(server.output()).toMatch(/"component":"meter","kind":"level-meter","from":"waking","to":"hungry"/);
      expect(server.output()).toMatch(/"component":"meter","kind":"level-meter","from":"hungry","to":"happy"/);

      // The stream fed from the meter's feed decodes: Vorbis audio and VP8 video.
      const webm = `${server.base}/live.webm?token=${server.token}`;
      // Until both sinks saw 5 decoded buffers.
      const play = await gstUntil(['souphttpsrc', `location=${webm}`, '!', 'matroskademux', 'name=d',
        'd.audio_0', '!', 'queue', '!', 'vorbisdec', '!', 'fakesink', 'name=a', 'silent=false',
        'd.video_0', '!', 'queue', '!', 'vp8dec', '!', 'fakesink', 'name=v', 'silent=false'],
      (out) => Math.min(sinkChains(out, 'a'), sinkChains(out, 'v')), 5, 30_000);
      expect(play.code, playedTail(play)).toBe(0);
      expect(sinkChains(play.stdout, 'a'), playedTail(play)).toBeGreaterThanOrEqual(5);
      expect(sinkChains(play.stdout, 'v'), playedTail(play)).toBeGreaterThanOrEqual(5);

      // Ten measurements a second, still arriving; stereo peaks; the loudest is a tick's -10.5 dB
      // (the source ticks once a second; between ticks `level` reports -350 dB).
      const later = await meterWhen((m) => m.measurements > first.measurements && (m.loudestDb ?? -1000) > -100, 'no tick measured');
      expect(later.peakDb).toHaveLength(2);
      expect(later.loudestDb as number).toBeGreaterThan(-13);
      expect(later.loudestDb as number).toBeLessThan(-8);
      expect(await server.stop()).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 120_000);
});
