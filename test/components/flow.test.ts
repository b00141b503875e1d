import { describe, expect, it } from 'vitest';
import {
  AudioEncoder, ComponentError, DiskRecorder, HttpStreamer, Muxer, TestSource, VideoEncoder, elementOwner, flowLaunchLine,
  parseServerConfig, recordingFileName, serverComponents,
} from '../../src/components/index';

describe('flowLaunchLine', () => {
  it('joins fragments: a tee per feeder, a queue per branch off it', () => {
    const line = flowLaunchLine([
      new TestSource('src', { width: 160, height: 120, framerate: 10 }),
      new VideoEncoder('v', 'vp8', 'src:video', { bitrate: 200_000, keyframeDistance: 10 }),
      new AudioEncoder('a', 'opus', 'src:audio'),
      new Muxer('m', 'webm', ['v', 'a']),
      new HttpStreamer('web', 'm', { path: '/x.webm', contentType: 'video/webm' }),
      new DiskRecorder('disk', 'm:default', '/tmp/a "b".webm'),
    ]);
    expect(line).toContain('videotestsrc name=src-videosrc is-live=true');
    expect(line).toContain('video/x-raw,width=160,height=120,framerate=10/1 ! tee name=src-video allow-not-linked=true');
    expect(line).toContain('src-video. ! queue max-size-buffers=30 leaky=downstream ! videoconvert ! vp8enc name=v-enc');
    expect(line).toContain('keyframe-max-dist=10 target-bitrate=200000 ! tee name=v-default');
    expect(line).toContain('src-audio. ! queue ! audioconvert ! audioresample ! opusenc name=a-enc bitrate=64000 ! tee name=a-default');
    expect(line).toContain('webmmux name=m-mux streamable=true ! tee name=m-default');
    expect(line).toContain('v-default. ! queue ! m-mux.');
    expect(line).toContain('a-default. ! queue ! m-mux.');
    expect(line).toContain('m-default. ! queue ! multifdsink name=web-sink sync=false');
    expect(line).toContain('m-default. ! queue ! multifdsink name=disk-sink sync=false');
    // Two consumers of m, each with its own branch off the one tee.
    expect(line.match(/m-default\. ! queue/g)).toHaveLength(2);
  });

  it('refuses components that do not wire up', () => {
    const src = new TestSource('src');
    expect(() => flowLaunchLine([])).toThrow(ComponentError);
    expect(() => flowLaunchLine([src, new TestSource('src')])).toThrow(/two components are named 'src'/);
    expect(() => flowLaunchLine([src, new VideoEncoder('v', 'vp8', 'cam:video')])).toThrow(/no component 'cam'/);
    expect(() => flowLaunchLine([src, new VideoEncoder('v', 'vp8', 'src:depth')])).toThrow(/src has no feed 'depth'/);
    expect(() => flowLaunchLine([src, new VideoEncoder('v', 'vp8', 'src')])).toThrow(/src:video, src:audio/);
    expect(() => flowLaunchLine([src, new VideoEncoder('v', 'vp8', 'v')])).toThrow(/its own feed/);
  });

  it('gives a bus error to the component with the longest matching name', () => {
    const cam = new TestSource('cam');
    const cam2 = new TestSource('cam-2');
    expect(elementOwner([cam, cam2], 'cam-2-videosrc')).toBe(cam2);
    expect(elementOwner([cam2, cam], 'cam-videosrc')).toBe(cam);
    expect(elementOwner([cam, cam2], 'queue3')).toBeNull();
    expect(elementOwner([cam, cam2], null)).toBeNull();
  });
});

describe('recordingFileName', () => {
  it('numbers the files after the first before the extension', () => {
    expect([0, 1, 12].map((n) => recordingFileName('/var/rec/live.webm', n))).toEqual(['/var/rec/live.webm', '/var/rec/live-1.webm', '/var/rec/live-12.webm']);
    expect(recordingFileName('/var/rec.d/live', 2)).toBe('/var/rec.d/live-2');
    expect(recordingFileName('/var/rec/.hidden', 1)).toBe('/var/rec/.hidden-1');
  });
});

describe('serverComponents (one input, many outputs)', () => {
  it('encodes each codec once and serves every mount from its own muxer and streamer', () => {
    const config = parseServerConfig({ mounts: [{ path: '/live.webm' }, { path: '/live.ogg' }, { path: '/hq.ogg', video: 'vp8', audio: 'opus' }],
      recordings: [{ mount: '/live.webm', file: '/tmp/rec.webm' }] });
    const { all, streamers, recorders } = serverComponents(config);
    expect(all.map((c) => `${c.name}:${c.kind}`)).toEqual([
      'source:test-source', 'vp8:vp8-encoder', 'vorbis:vorbis-encoder', 'mux-live-webm:webm-muxer', 'http-live-webm:http-streamer',
      'theora:theora-encoder', 'mux-live-ogg:ogg-muxer', 'http-live-ogg:http-streamer',
      'opus:opus-encoder', 'mux-hq-ogg:ogg-muxer', 'http-hq-ogg:http-streamer', 'disk-0:disk-recorder']);
    expect(streamers.map((s) => [s.path, s.contentType])).toEqual([['/live.webm', 'video/webm'], ['/live.ogg', 'video/ogg'], ['/hq.ogg', 'video/ogg']]);
    expect(recorders[0]?.eaters).toEqual(['mux-live-webm']);
    const line = flowLaunchLine(all);
    expect(line.match(/vorbisenc/g)).toHaveLength(1);
    expect(line.match(/vp8enc/g)).toHaveLength(1);
    expect(line.match(/vorbis-default\. ! queue/g)).toHaveLength(2);
    expect(line.match(/vp8-default\. ! queue/g)).toHaveLength(2);
  });
});
