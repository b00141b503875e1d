/**
 * From a {@link ServerConfig} to components: one source, one encoder per codec (shared by every
 * mount that uses it — each encoding is done once), one muxer and one HTTP streamer per mount, and
 * a disk recorder per recording. Tests: test/components/flow.test.ts (wiring),
 * test/components/http-streamer.test.ts (the bandwidth rule).
 */
import type { Component } from './component';
import type { ServerConfig } from './config';
import { DiskRecorder } from './disk-recorder';
import { AudioEncoder, VideoEncoder, type AudioCodec, type VideoCodec } from './encoders';
import { HttpStreamer } from './http-streamer';
import { IngestSource } from './ingest-source';
import { Muxer } from './muxers';
import { TestSource } from './test-source';

/** The components of a server, by role. */
export interface ServerComponents {
  readonly all: readonly Component[];
  /** The ingest source, when producers push the stream. */
  readonly ingest?: IngestSource;
  readonly streamers: readonly HttpStreamer[];
  readonly recorders: readonly DiskRecorder[];
}

/** A component name for a mount path: `/live.webm` → `live-webm`. */
export function mountSlug(path: string): string {
  const slug = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(slug) ? slug.slice(0, 50) : `m-${slug}`.slice(0, 50);
}

/** Builds the components a configuration describes. */
export function serverComponents(config: ServerConfig): ServerComponents {
  const size = { width: config.source.width, height: config.source.height, framerate: config.source.framerate };
  const source = config.source.type === 'ingest' ? new IngestSource('source', size) : new TestSource('source', size);
  const all: Component[] = [source];
  const videoEncoders = new Map<VideoCodec, VideoEncoder>();
  const audioEncoders = new Map<AudioCodec, AudioEncoder>();
  const streamers: HttpStreamer[] = [];
  const muxerOf = new Map<string, Muxer>();
  const e = config.encoding;
  config.mounts.forEach((m, i) => {
    const inputs: string[] = [];
    if (m.video !== null) {
      let enc = videoEncoders.get(m.video);
      if (enc === undefined) {
        enc = new VideoEncoder(m.video, m.video, 'source:video', { bitrate: e.videoBitrate, keyframeDistance: e.keyframeDistance });
        videoEncoders.set(m.video, enc);
        all.push(enc);
      }
      inputs.push(enc.name);
    }
    if (m.audio !== null) {
      let enc = audioEncoders.get(m.audio);
      if (enc === undefined) {
        enc = new AudioEncoder(m.audio, m.audio, 'source:audio', { quality: e.vorbisQuality, bitrate: e.opusBitrate });
        audioEncoders.set(m.audio, enc);
        all.push(enc);
      }
      inputs.push(enc.name);
    }
    const slug = `${mountSlug(m.path)}${config.mounts.findIndex((o) => mountSlug(o.path) === mountSlug(m.path)) === i ? '' : `-${i}`}`;
    const muxer = new Muxer(`mux-${slug}`, m.format, inputs, { audioOnly: m.video === null });
    muxerOf.set(m.path, muxer);
    const streamer = new HttpStreamer(`http-${slug}`, muxer.name, {
      path: m.path, contentType: muxer.contentType, maxViewers: m.maxViewers, slowViewers: config.slowViewers.policy,
      lagBytes: config.slowViewers.lagBytes, clientTimeout: config.slowViewers.timeout, ...(config.burst === null ? {} : { burst: config.burst }),
    });
    all.push(muxer, streamer);
    streamers.push(streamer);
  });
  const recorders = config.recordings.map((r, i) => {
    const muxer = muxerOf.get(r.mount) as Muxer;
    return new DiskRecorder(`disk-${i}`, muxer.name, r.file, r.rotateSeconds === null ? {} : { rotateSeconds: r.rotateSeconds });
  });
  all.push(...recorders);
  return source instanceof IngestSource ? { all, streamers, recorders, ingest: source } : { all, streamers, recorders };
}

/** Flumotion's bandwidth rule: refuse when (viewers + 1) × bitrate of the mount would pass the limit. */
export function bandwidthRefusal(streamers: readonly HttpStreamer[], joining: HttpStreamer, maxBandwidth: number | null): string | null {
  if (maxBandwidth === null) return null;
  const current = streamers.reduce((sum, s) => sum + s.viewers * s.bitrate, 0);
  return current + joining.bitrate > maxBandwidth
    ? `the server is at its bandwidth limit (${Math.round(current)} of ${maxBandwidth} bit/s)` : null;
}
