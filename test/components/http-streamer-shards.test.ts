/**
 * HttpStreamer with `shards`: the fragment puts N multifdsinks behind a tee, a bad count is refused,
 * and a real server with two shards and a burst (whose `time-min` goes on every shard) streams a
 * decodable WebM start to viewers that join one after the other (added in batches, ADD_BATCH_SECONDS).
 */
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AudioEncoder, HttpStreamer, Muxer, StreamServer, TestSource, VideoEncoder, parseServerConfig,
} from '../../src/components/index';
import { ComponentError } from '../../src/components/errors';
import { anchoredClock } from '../../src/protocols/index';
import { recordingViewer, type RecordingViewer } from './helpers/serve';
import { realTime, startLoop, stopLoop, within } from '../gst/helpers/loop';

const SECRET = 'http-streamer-shards-secret-0123';
const EBML = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);


describe('HttpStreamer shards', () => {
  beforeAll(() => startLoop());
  afterAll(() => stopLoop());

  it('puts the shards behind a tee, and refuses a bad shard count', () => {
    const one = new HttpStreamer('web', 'mux', { path: '/a', contentType: 'video/webm' });
    expect(one.fragment(['mux'])).toContain('multifdsink name=web-sink sync=false');
    expect(one.fragment(['mux'])).not.toContain('tee');
    const two = new HttpStreamer('web', 'mux', { path: '/a', contentType: 'video/webm', shards: 2 });
    const f = two.fragment(['mux']);
    expect(f).toContain('tee name=web-sink');
    expect(f).toContain('multifdsink name=web-sink-0');
    expect(f).toContain('multifdsink name=web-sink-1');
    for (const bad of [0, 1.5, 65]) {
      expect(() => new HttpStreamer('web', 'mux', { path: '/a', contentType: 'video/webm', shards: bad })).toThrow(ComponentError);
    }
  });

  it('streams to viewers over two shards, with a burst set on each', async () => {
    const streamer = new HttpStreamer('web', 'mux', { path: '/live.webm', contentType: 'video/webm', shards: 2, burst: { seconds: 1 } });
    const components = [
      new TestSource('src', { width: 160, height: 120, framerate: 10 }),
      new VideoEncoder('vp8', 'vp8', 'src:video', { bitrate: 200_000, keyframeDistance: 10 }),
      new AudioEncoder('vorbis', 'vorbis', 'src:audio'),
      new Muxer('mux', 'webm', ['vp8', 'vorbis']),
      streamer,
    ];
    const server = await within(StreamServer.start({ config: parseServerConfig({ port: 0 }), reactor: realTime, secret: SECRET,
      wallClock: anchoredClock(realTime, Date.now() / 1000), components }), 20, 'start');
    const viewers: RecordingViewer[] = [];
    try {
      const path = `/live.webm?token=${server.token(120, '/live.webm')}`;
      await within(firstValueFrom(streamer.mood$.pipe(filter((m) => m === 'happy'))), 20, 'streamer happy');
      for (let i = 0; i < 2; i++) {
        const v = recordingViewer(server.ports.http, path);
        viewers.push(v);
        await within(v.received(4000), 20, `viewer ${i}`);
      }
      expect(streamer.sinkStats().handles).toBe(2);
      for (const v of viewers) {
        const data = v.data();
        const body = data.subarray(data.indexOf('\r\n\r\n') + 4);
        expect(body.subarray(0, 4)).toEqual(EBML);
      }
    } finally {
      await within(server.stop(), 20, 'stop');
      for (const v of viewers) v.socket.destroy();
    }
    await within(Promise.all(viewers.map((v) => v.closed)), 10, 'viewers closed');
  }, 60_000);
});
