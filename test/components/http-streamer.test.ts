/** HttpStreamer as an HttpMount, on a Clock with a fake sink: readiness, moods, limits, bitrate. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpStreamer, bandwidthRefusal, burstPolicy, slowViewerPolicy, type StreamerSink } from '../../src/components/index';
import { Deferred } from '../../src/defer/index';
import type { ClientResult, FdSinkStats } from '../../src/gst/index';
import type { HandoffRequest } from '../../src/protocols/index';
import type { Transport } from '../../src/reactor/index';
import { Clock } from '../../src/testing/index';
import { captureLogs, type LogCapture } from '../../src/log';

class FakeSink implements StreamerSink {
  toServe = 0n;
  readonly clients: Array<Deferred<ClientResult>> = [];
  removed = 0;
  stats(): FdSinkStats {
    return { clients: this.clients.length, handles: 0, bytesServed: 0n, bytesToServe: this.toServe, buffersQueued: 0 };
  }
  addClient(_t: Transport): { done: Deferred<ClientResult>; remove(): void } {
    const done = new Deferred<ClientResult>();
    this.clients.push(done);
    return { done, remove: () => { this.removed += 1; done.callback({ reason: 'removed', bytesSent: 0n, bytesSentExact: false, seconds: 0 }); } };
  }
}

const request = {} as HandoffRequest;
const transport = {} as Transport;

function setup(maxViewers = 2): { clock: Clock; sink: FakeSink; streamer: HttpStreamer } {
  const clock = new Clock();
  const sink = new FakeSink();
  const streamer = new HttpStreamer('http-x', 'mux', { path: '/x.webm', contentType: 'video/webm', maxViewers });
  streamer.attachSink(sink, clock);
  return { clock, sink, streamer };
}

describe('HttpStreamer', () => {
  let logs: LogCapture;
  beforeEach(() => { logs = captureLogs(); });
  afterEach(() => { logs.restore(); });

  it('is hungry until the sink has data, then happy; waiting viewers are released then', () => {
    const { clock, sink, streamer } = setup();
    void streamer.start();
    expect(streamer.mood).toBe('hungry');
    const ready = streamer.whenReady();
    expect(ready).not.toBeNull();
    let fired = false;
    ready?.addCallback(() => { fired = true; });
    clock.advance(1);
    expect(fired).toBe(false);
    sink.toServe = 1000n;
    clock.advance(0.25);
    expect(streamer.mood).toBe('happy');
    expect(fired).toBe(true);
    expect(streamer.whenReady()).toBeNull();
    void streamer.stop();
    expect(clock.getDelayedCalls()).toHaveLength(0);
  });

  it('turns hungry when the data stops for starvedAfter seconds, and happy when it flows again', () => {
    const { clock, sink, streamer } = setup();
    void streamer.start();
    sink.toServe = 100n;
    clock.advance(0.25);
    expect(streamer.mood).toBe('happy');
    clock.pump(Array.from({ length: 19 }, () => 0.25)); // 4.75 s without growth
    expect(streamer.mood).toBe('happy');
    clock.advance(0.25);
    expect(streamer.mood).toBe('hungry');
    expect(streamer.moodDetail).toBe('no data for 5 s');
    expect(streamer.whenReady()).not.toBeNull();
    sink.toServe = 200n;
    clock.advance(0.25);
    expect(streamer.mood).toBe('happy');
    void streamer.stop();
  });

  it('removes a viewer when its deadline (the token expiry) passes, and forgets the timer when it leaves first', () => {
    const { clock, sink, streamer } = setup(10);
    const deadlines = [30, null, 60];
    streamer.viewerDeadline = () => deadlines.shift() ?? null;
    streamer.handOff(transport, request);
    streamer.handOff(transport, request);
    streamer.handOff(transport, request);
    sink.clients[2]?.callback({ reason: 'closed', bytesSent: 0n, bytesSentExact: false, seconds: 1 });
    expect(clock.getDelayedCalls()).toHaveLength(1);
    clock.advance(29);
    expect(sink.removed).toBe(0);
    clock.advance(1);
    expect(sink.removed).toBe(1);
    expect(streamer.viewers).toBe(1);
    expect(clock.getDelayedCalls()).toHaveLength(0);
  });

  it('fails the viewers waiting for readiness when it turns sad', () => {
    const { streamer } = setup();
    void streamer.start();
    const ready = streamer.whenReady();
    let failure = '';
    ready?.addErrback((f) => { failure = f.getErrorMessage(); return null; });
    streamer.setMood('sad', 'vp8enc broke');
    expect(failure).toBe('/x.webm is not available: vp8enc broke');
    void streamer.stop();
  });

  it('answers 503 past maxViewers and counts viewers as they join and leave', () => {
    const { sink, streamer } = setup(2);
    const events: string[] = [];
    streamer.onViewer = (e) => events.push(e);
    expect(streamer.refusal(request)).toBeNull();
    streamer.handOff(transport, request);
    streamer.handOff(transport, request);
    expect(streamer.viewers).toBe(2);
    expect(streamer.refusal(request)).toMatch(/reached 2 viewers/);
    sink.clients[0]?.callback({ reason: 'closed', bytesSent: 10n, bytesSentExact: false, seconds: 1 });
    expect(streamer.viewers).toBe(1);
    expect(streamer.refusal(request)).toBeNull();
    expect(events).toEqual(['joined', 'joined', 'refused', 'left']);
    expect(streamer.stats()).toMatchObject({ path: '/x.webm', viewers: 1, peakViewers: 2, served: 2, refused: 1, maxViewers: 2 });
    streamer.setMood('sad', 'pipeline error');
    expect(logs.records.filter((r) => r.message === 'viewer left')).toHaveLength(1);
    expect(streamer.refusal(request)).toMatch(/not available/);
  });

  it('changes its limits while serving (setLimits): the next viewers see them, those streaming stay; an invalid value changes nothing', () => {
    const { clock, sink, streamer } = setup(2);
    const asked = { head: { target: '/x.webm?token=abc' } } as HandoffRequest;
    streamer.handOff(transport, asked);
    streamer.handOff(transport, asked);
    streamer.setLimits({ maxViewers: 1, overflowRedirect: 'https://edge-3.example/', maxViewerSeconds: 10 });
    expect(streamer.limits).toEqual({ maxViewers: 1, overflowRedirect: 'https://edge-3.example', maxViewerSeconds: 10 });
    expect(streamer.viewers).toBe(2); // a lower limit closes nobody
    expect(streamer.refusal(asked)).toMatch(/reached 1 viewers/);
    expect(streamer.redirect(asked)).toBe('https://edge-3.example/x.webm?token=abc');
    for (const d of sink.clients) d.callback({ reason: 'closed', bytesSent: 0n, bytesSentExact: false, seconds: 1 });
    streamer.handOff(transport, asked); // joins under the new duration limit
    clock.advance(10);
    expect(sink.removed).toBe(1);
    for (const bad of [{ maxViewers: 1.5 }, { maxViewers: -1 }, { maxViewerSeconds: 0 }, { overflowRedirect: 'edge-2:8800' }]) {
      expect(() => streamer.setLimits({ ...streamer.limits, ...bad }), JSON.stringify(bad)).toThrow(/^http-x: /);
    }
    expect(streamer.limits).toEqual({ maxViewers: 1, overflowRedirect: 'https://edge-3.example', maxViewerSeconds: 10 });
    expect(streamer.stats()).toMatchObject({ maxViewers: 1 });
  });

  it('sends viewers refused for capacity to overflowRedirect (path and query kept), but not when sad', () => {
    const streamer = new HttpStreamer('http-x', 'mux', { path: '/x.webm', contentType: 'video/webm', maxViewers: 1,
      overflowRedirect: 'http://edge-2.example:8800/' });
    streamer.attachSink(new FakeSink(), new Clock());
    const asked = { head: { target: '/x.webm?token=abc' } } as HandoffRequest;
    streamer.handOff(transport, asked);
    expect(streamer.refusal(asked)).toMatch(/reached 1 viewers/);
    expect(streamer.redirect(asked)).toBe('http://edge-2.example:8800/x.webm?token=abc');
    expect(streamer.stats()).toMatchObject({ refused: 1, redirected: 1 });
    streamer.setMood('sad', 'pipeline error');
    expect(streamer.redirect(asked)).toBeNull();
    expect(new HttpStreamer('h', 'mux', { path: '/y.webm', contentType: 'video/webm' }).redirect(asked)).toBeNull();
    for (const bad of ['edge-2:8800', 'ftp://edge-2', 'http://edge-2/elsewhere', 'http://u:p@edge-2', 'http://edge-2/?a=1']) {
      expect(() => new HttpStreamer('h', 'mux', { path: '/y.webm', contentType: 'video/webm', overflowRedirect: bad }), bad).toThrow(/overflowRedirect/);
    }
  });

  it('closes a viewer after maxViewerSeconds, or at its token\'s end if that comes first', () => {
    const clock = new Clock();
    const sink = new FakeSink();
    const streamer = new HttpStreamer('http-x', 'mux', { path: '/x.webm', contentType: 'video/webm', maxViewerSeconds: 60 });
    streamer.attachSink(sink, clock);
    const tokenLeft: Array<number | null> = [null, 20, 600];
    streamer.viewerDeadline = () => tokenLeft.shift() ?? null;
    for (let i = 0; i < 3; i++) streamer.handOff(transport, request);
    clock.advance(19.9);
    expect(sink.removed).toBe(0);
    clock.advance(0.2); // the second viewer's token ends at 20 s
    expect(sink.removed).toBe(1);
    clock.advance(39.8);
    expect(sink.removed).toBe(1);
    clock.advance(0.2); // the duration limit: the first and the third (whose token had 600 s left)
    expect(sink.removed).toBe(3);
    expect(streamer.viewers).toBe(0);
    const why = logs.records.filter((r) => r.message === 'viewer expired').map((r) => r.fields['why']);
    expect(why).toEqual(['token', 'duration', 'duration']);
    expect(() => new HttpStreamer('h', 'mux', { path: '/y.webm', contentType: 'video/webm', maxViewerSeconds: 0 })).toThrow(/maxViewerSeconds/);
  });

  it('measures the bitrate over the last seconds and applies the bandwidth limit', () => {
    const { clock, sink, streamer } = setup(100);
    void streamer.start();
    for (let i = 1; i <= 16; i++) {
      sink.toServe = BigInt(i * 12_500); // 12.5 kB every 0.25 s = 400 kbit/s
      clock.advance(0.25);
    }
    expect(streamer.bitrate).toBeCloseTo(400_000, -3);
    streamer.handOff(transport, request);
    streamer.handOff(transport, request);
    expect(bandwidthRefusal([streamer], streamer, null)).toBeNull();
    expect(bandwidthRefusal([streamer], streamer, 1_300_000)).toBeNull();
    expect(bandwidthRefusal([streamer], streamer, 1_100_000)).toMatch(/bandwidth limit/);
    streamer.admission = (s) => bandwidthRefusal([s], s, 1_100_000);
    expect(streamer.refusal(request)).toMatch(/bandwidth limit/);
    void streamer.stop();
  });

  it('maps the slow-viewer policy to sink limits', () => {
    expect(slowViewerPolicy('resync', 1000, 5)).toEqual({ syncMethod: 'latest-keyframe', clientTimeout: 5,
      limits: { format: 'bytes', softMax: 1000, hardMax: 4000, recoverPolicy: 'keyframe' } });
    expect(slowViewerPolicy('drop', 1000, 0).limits).toEqual({ format: 'bytes', hardMax: 1000, recoverPolicy: 'none' });
  });

  it('maps burst-on-connect as Flumotion did (prior-art A.4), with GStreamer 1.x names', () => {
    expect(burstPolicy({ seconds: 2 }, 20)).toEqual({
      policy: { syncMethod: 'burst-keyframe', burst: { format: 'time', value: 2_000_000_000n }, clientTimeout: 20,
        limits: { format: 'time', softMax: 10_000_000_000n, hardMax: 12_000_000_000n, recoverPolicy: 'keyframe' } },
      keep: ['time-min', 7_000_000_000n],
    });
    expect(burstPolicy({ bytes: 100_000 }, 5)).toEqual({
      policy: { syncMethod: 'burst-keyframe', burst: { format: 'bytes', value: 100_000 }, clientTimeout: 5,
        limits: { format: 'bytes', softMax: 100_000 + 1_048_576, hardMax: 100_000 + 2_097_152, recoverPolicy: 'keyframe' } },
      keep: ['bytes-min', BigInt(100_000 + 524_288)],
    });
  });
});
