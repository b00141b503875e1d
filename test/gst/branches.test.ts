/**
 * pruneUnlinkedBranches on real decodebin pipelines: a file with video only and one with audio
 * only each reach EOS once the branch no stream linked is removed (without the pruning the
 * pipeline never prerolls); a file with both keeps both branches. Pipeline.remove refuses an
 * unknown name before removing anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneUnlinkedBranches } from '../../src/gst/branches';
import { GstElementNotFound } from '../../src/gst/errors';
import { Pipeline } from '../../src/gst/pipeline';
import { realTime as reactor, startLoop, stopLoop, within } from './helpers/loop';

const dir = mkdtempSync(join(tmpdir(), 'torsion-branches-'));
beforeAll(() => startLoop());
afterAll(async () => { await stopLoop(); rmSync(dir, { recursive: true, force: true }); });

const VIDEO = 'videotestsrc num-buffers=5 ! video/x-raw,width=64,height=48,framerate=10/1 ! vp8enc deadline=1';
const AUDIO = 'audiotestsrc num-buffers=5 ! audioconvert ! vorbisenc';
const BRANCHES = { video: ['vq', 'vconv', 'vsink'], audio: ['aq', 'aconv', 'asink'] } as const;

function webm(name: string, branches: string[]): string {
  const file = join(dir, name);
  execFileSync('gst-launch-1.0', ['-q', 'webmmux', 'name=m', '!', 'filesink', `location=${file}`, ...branches.flatMap((b) => [...b.split(' '), '!', 'm.'])],
    { timeout: 30_000 });
  return file;
}

function decoding(file: string): Pipeline {
  return Pipeline.launch(`filesrc location=${file} ! decodebin name=dec`
    + ' dec. ! queue name=vq ! videoconvert name=vconv ! fakesink name=vsink sync=false'
    + ' dec. ! queue name=aq ! audioconvert name=aconv ! fakesink name=asink sync=false', { reactor });
}

describe('pruneUnlinkedBranches', () => {
  for (const [name, branches, kinds] of [
    ['video only', [VIDEO], ['video']], ['audio only', [AUDIO], ['audio']], ['video and audio', [VIDEO, AUDIO], ['video', 'audio']],
  ] as const) {
    it(`${name}: keeps ${kinds.join(' and ')}, removes the rest, and reaches EOS`, async () => {
      const p = decoding(webm(`${name.replace(/ /g, '-')}.webm`, [...branches]));
      const pruned = pruneUnlinkedBranches(p, 'dec', BRANCHES);
      await within(p.setState('playing'), 10, 'playing');
      expect(await within(pruned, 10, 'pruned')).toEqual(kinds);
      await within(p.eos, 10, 'eos');
      for (const [kind, names] of Object.entries(BRANCHES)) {
        for (const n of names) expect(p.hasElement(n)).toBe((kinds as readonly string[]).includes(kind));
      }
      await within(p.dispose(), 10);
    });
  }

  it('fails with GstDisposedError when the pipeline goes first; remove() refuses unknown names up front', async () => {
    const p = decoding(webm('never.webm', [VIDEO]));
    const pruned = pruneUnlinkedBranches(p, 'dec', BRANCHES);
    expect(() => p.remove('vq', 'nonexistent')).toThrow(GstElementNotFound);
    expect(p.hasElement('vq')).toBe(true);
    await within(p.dispose(), 10);
    await expect(within(pruned, 5)).rejects.toMatchObject({ code: 'TORSION_ERR_GST_DISPOSED' });
  });
});
