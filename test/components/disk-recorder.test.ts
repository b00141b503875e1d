/**
 * DiskRecorder on a real pipeline (in-process StreamServer, real GLib reactor): the first file is a
 * symlink to /dev/full, so every write fails with ENOSPC and multifdsink drops it (`error`). The
 * recorder turns sad, naming the file; the viewers of the same mount keep streaming and a new one
 * is served (the flow is not restarted); after `retrySeconds` the recorder opens `rec-1.webm`, a
 * regular file, turns happy once it is written to, and the file keeps growing. Then the retry
 * timer on a `Clock` (the pipeline still real): a file that cannot be opened is tried again every
 * `retrySeconds`, not before, and the recorder is happy once the file it finally opens is written.
 * Rotation by size: once the file passes `rotateBytes` (checked each second of the Clock) the next
 * file starts, with the WebM header, and the old one is closed after the overlap.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AudioEncoder, DiskRecorder, HttpStreamer, Muxer, StreamServer, TestSource, VideoEncoder, flowLaunchLine, parseServerConfig, type Mood,
} from '../../src/components/index';
import { Pipeline } from '../../src/gst/pipeline';
import { Clock } from '../../src/testing/clock';
import { Deferred } from '../../src/defer/deferred';
import { captureLogs, type LogCapture } from '../../src/log';
import { anchoredClock } from '../../src/protocols/index';
import { recordingViewer, type RecordingViewer } from './helpers/serve';
import { realTime, startLoop, stopLoop, within } from '../gst/helpers/loop';

const SECRET = 'disk-recorder-secret-0123456789';


/** Fires once `condition()` holds, checked every 0.1 s on the reactor clock. */
function until(condition: () => boolean): Deferred<void> {
  const d = new Deferred<void>();
  const check = (): void => {
    if (d.called) return;
    if (condition()) d.callback(undefined); else realTime.callLater(0.1, check);
  };
  check();
  return d;
}

const size = (file: string): number => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

describe('DiskRecorder', () => {
  let logs: LogCapture;
  const dir = mkdtempSync(join(tmpdir(), 'torsion-disk-'));
  beforeAll(async () => { logs = captureLogs(); await startLoop(); });
  afterAll(async () => { await stopLoop(); logs.restore(); rmSync(dir, { recursive: true, force: true }); });

  it('turns sad when its file cannot be written, leaves the viewers alone, and recovers into the next file', async () => {
    const first = join(dir, 'rec.webm');
    const second = join(dir, 'rec-1.webm');
    symlinkSync('/dev/full', first); // writes fail with ENOSPC
    const recorder = new DiskRecorder('disk', 'mux', first, { retrySeconds: 2 });
    const streamer = new HttpStreamer('web', 'mux', { path: '/live.webm', contentType: 'video/webm' });
    const components = [
      new TestSource('src', { width: 160, height: 120, framerate: 10 }),
      new VideoEncoder('vp8', 'vp8', 'src:video', { bitrate: 200_000, keyframeDistance: 10 }),
      new AudioEncoder('vorbis', 'vorbis', 'src:audio'),
      new Muxer('mux', 'webm', ['vp8', 'vorbis']),
      streamer,
      recorder,
    ];
    const recorderMoods: Mood[] = [];
    const streamerMoods: Mood[] = [];
    recorder.mood$.subscribe((m) => recorderMoods.push(m));
    streamer.mood$.subscribe((m) => streamerMoods.push(m));
    const config = parseServerConfig({ port: 0 });
    const server = await within(StreamServer.start({ config, reactor: realTime, secret: SECRET,
      wallClock: anchoredClock(realTime, Date.now() / 1000), components }), 20, 'start');
    const viewers: RecordingViewer[] = [];
    try {
      const path = `/live.webm?token=${server.token(120, '/live.webm')}`;
      await within(firstValueFrom(streamer.mood$.pipe(filter((m) => m === 'happy'))), 20, 'streamer happy');
      viewers.push(recordingViewer(server.ports.http, path));
      await within(viewers[0]!.received(2000), 20, 'first viewer');

      // The first keyframe reaches /dev/full: the sink drops the file and the recorder turns sad.
      await within(firstValueFrom(recorder.mood$.pipe(filter((m) => m === 'sad'))), 20, 'recorder sad');
      expect(recorder.moodDetail).toMatch(/^cannot write .*\/rec\.webm \(the sink dropped it: error\)$/);
      expect(server.stats().components.find((c) => c.name === 'disk')).toMatchObject({ mood: 'sad', failures: 1, file: null, retrying: true });
      expect(logs.records.some((r) => r.message === 'recording ended' && r.fields['reason'] === 'error')).toBe(true);

      // The viewers' flow goes on: the first viewer keeps receiving, a new one is served.
      const at = viewers[0]!.bytes();
      viewers.push(recordingViewer(server.ports.http, path));
      await within(Promise.all([viewers[0]!.received(at + 3000), viewers[1]!.received(3000)]), 20, 'viewers while the recorder is sad');

      // After retrySeconds the next file, a regular one: happy once it is written to, and it grows.
      await within(firstValueFrom(recorder.mood$.pipe(filter((m) => m === 'happy'))), 20, 'recorder happy again');
      expect(recorder.moodDetail).toBe('');
      const written = size(second);
      expect(written).toBeGreaterThan(0);
      expect(readFileSync(second).subarray(0, 4).toString('hex')).toBe('1a45dfa3'); // EBML: starts with the headers
      await within(until(() => size(second) > written + 2000), 20, 'rec-1.webm grows');
      expect(server.stats().components.find((c) => c.name === 'disk')).toMatchObject({
        mood: 'happy', file: second, files: 2, failures: 1, retrying: false,
        lastFailure: expect.stringMatching(/rec\.webm/) as unknown,
      });
      expect(recorderMoods).toEqual(['waking', 'happy', 'sad', 'happy']);
      // The streamer never left happy and the flow was never restarted.
      expect(streamerMoods.slice(streamerMoods.indexOf('happy'))).toEqual(['happy']);
      expect(server.flow.starts).toBe(1);
      expect(server.flow.mood).toBe('happy');
    } finally {
      await within(server.stop(), 20, 'stop');
      for (const v of viewers) v.socket.destroy();
    }
    await within(Promise.all(viewers.map((v) => v.closed)), 10, 'viewers closed');
  }, 90_000);

  it('tries a file it cannot open again every retrySeconds on the reactor clock, and is happy once one is written to', async () => {
    const clock = new Clock();
    const later = join(dir, 'later'); // made only after two failed attempts
    const file = join(later, 'rec.webm');
    const recorder = new DiskRecorder('disk', 'mux', file, { retrySeconds: 5 });
    const components = [
      new TestSource('src', { width: 160, height: 120, framerate: 10, audio: false }),
      new VideoEncoder('vp8', 'vp8', 'src:video', { bitrate: 200_000, keyframeDistance: 5 }),
      new Muxer('mux', 'webm', ['vp8']),
      recorder,
    ];
    const pipeline = Pipeline.launch(flowLaunchLine(components), { reactor: realTime });
    try {
      for (const c of components) c.attach({ pipeline, time: clock, reactor: realTime });
      await within(pipeline.setState('playing'), 20, 'playing');
      for (const c of components) c.start();
      expect(recorder.mood).toBe('sad');
      expect(recorder.moodDetail).toMatch(/^cannot open .*\/later\/rec\.webm: ENOENT/);
      expect(recorder.stats()).toMatchObject({ failures: 1, files: 0, file: null, retrying: true });
      clock.advance(4.9);
      expect(recorder.failures).toBe(1); // not before retrySeconds
      clock.advance(0.1);
      expect(recorder.stats()).toMatchObject({ failures: 2, files: 0, retrying: true }); // tried again: still failing
      mkdirSync(later);
      clock.advance(5);
      // Open (the same name: nothing was written under it), but not happy until the sink writes to it.
      expect(recorder.stats()).toMatchObject({ mood: 'sad', failures: 2, files: 1, file, retrying: false });
      await within(until(() => {
        clock.advance(0.25); // the recorder checks for the first written bytes on its clock
        return recorder.mood === 'happy';
      }), 20, 'happy once written');
      expect(size(file)).toBeGreaterThan(0);
      expect(recorder.moodDetail).toBe('');
    } finally {
      for (const c of components) c.stop();
      await within(pipeline.dispose(), 20, 'dispose');
    }
  }, 60_000);

  it('starts the next file once the current one passes rotateBytes; each file starts with the stream header', async () => {
    const clock = new Clock();
    const file = join(dir, 'sized.webm');
    const recorder = new DiskRecorder('disk', 'mux', file, { rotateBytes: 30_000, overlapSeconds: 1 });
    const components = [
      new TestSource('src', { width: 160, height: 120, framerate: 10, audio: false }),
      new VideoEncoder('vp8', 'vp8', 'src:video', { bitrate: 400_000, keyframeDistance: 5 }),
      new Muxer('mux', 'webm', ['vp8']),
      recorder,
    ];
    const pipeline = Pipeline.launch(flowLaunchLine(components), { reactor: realTime });
    const second = join(dir, 'sized-1.webm');
    try {
      for (const c of components) c.attach({ pipeline, time: clock, reactor: realTime });
      await within(pipeline.setState('playing'), 20, 'playing');
      for (const c of components) c.start();
      expect(recorder.stats()).toMatchObject({ mood: 'happy', files: 1, file });
      // Below the limit a size check changes nothing…
      clock.advance(1);
      expect(recorder.files).toBe(1);
      // …past it, the next check starts sized-1.webm (the clock ticks as the real stream fills the file).
      await within(until(() => {
        if (size(file) >= 30_000) clock.advance(1);
        return recorder.files === 2;
      }), 30, 'rotated by size');
      expect(recorder.stats()).toMatchObject({ mood: 'happy', files: 2, file: second });
      expect(logs.records.some((r) => r.message === 'recording rotated by size' && Number(r.fields['bytes']) >= 30_000)).toBe(true);
      clock.advance(1); // the overlap: the old file is closed
      await within(until(() => size(second) > 1000), 20, 'the second file written');
      const ebml = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
      for (const f of [file, second]) expect(readFileSync(f).subarray(0, 4).equals(ebml), f).toBe(true);
    } finally {
      for (const c of components) c.stop();
      await within(pipeline.dispose(), 20, 'dispose');
    }
  }, 60_000);
});
