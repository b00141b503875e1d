/**
 * From a {@link ServerConfig} to components: one source, one encoder per codec (shared by every
 * mount that uses it — each encoding is done once), one muxer and one HTTP streamer per mount, and
 * a disk recorder per recording. Tests: test/components/flow.test.ts (wiring),
 * test/components/http-streamer.test.ts (the bandwidth rule).
 */
import type { Component } from './component';
import type { MountConfig, ServerConfig } from './config';
import { DiskRecorder } from './disk-recorder';
import { AudioEncoder, VideoEncoder, type AudioCodec, type VideoCodec } from './encoders';
import { HttpStreamer } from './http-streamer';
import { IngestSource } from './ingest-source';
import { Muxer, contentTypeOf } from './muxers';
import { ConfigError } from './errors';
import { FeedEater, FeedExporter } from './feed-components';
import type { FeedServer } from '../gst/feeds/feed-server';
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

/** What GDP feeds need besides the config: the secret shared with other servers, and our feed server. */
export interface ServerFeeds {
  /** The feed secret (`TORSION_FEED_SECRET`); needed with `feeds` or a `feed`/`relay` source. */
  readonly secret: string | null;
  /** Where the mounts are offered, when `config.feeds` is set. */
  readonly server: FeedServer | null;
}

function feedSecret(feeds: ServerFeeds, field: string): string {
  if (feeds.secret === null) throw new ConfigError(field, 'GDP feeds need a secret shared with the other servers (TORSION_FEED_SECRET)');
  return feeds.secret;
}

/** Builds the components a configuration describes. */
export function serverComponents(config: ServerConfig, feeds: ServerFeeds = { secret: null, server: null }): ServerComponents {
  if (config.source.type === 'relay') return relayComponents(config, feeds);
  const size = { width: config.source.width, height: config.source.height, framerate: config.source.framerate };
  const src = config.source;
  const source = src.type === 'ingest' ? new IngestSource('source', { ...size, stallTimeout: src.stallTimeout })
    : src.type === 'feed' ? new FeedEater('source', { host: src.host, port: src.port, feed: src.feed, identity: src.identity,
      secret: feedSecret(feeds, 'source'), decode: size, fallbacks: src.fallbacks })
      : new TestSource('source', size);
  const all: Component[] = [source];
  const videoEncoders = new Map<VideoCodec, VideoEncoder>();
  const audioEncoders = new Map<AudioCodec, AudioEncoder>();
  const e = config.encoding;
  const parts = mountOutputs(config, feeds, all, (m, i) => {
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
    return new Muxer(`mux-${uniqueSlug(config, i)}`, m.format, inputs, { audioOnly: m.video === null });
  });
  return source instanceof IngestSource ? { ...parts, ingest: source } : parts;
}

/** The slug of `mounts[i]`, with `-i` added when an earlier mount has the same slug. */
function uniqueSlug(config: ServerConfig, i: number): string {
  const slug = mountSlug((config.mounts[i] as MountConfig).path);
  return config.mounts.findIndex((o) => mountSlug(o.path) === slug) === i ? slug : `${slug}-${i}`;
}

/**
 * The mounts of every server: for each mount, the component making its muxed stream (`producer`,
 * which may add components it needs to `all` first) and its HTTP streamer; then, with `feeds`, a
 * feed exporter per mount, and the recorders. Appends them all to `all`.
 */
function mountOutputs(config: ServerConfig, feeds: ServerFeeds, all: Component[],
  producer: (mount: MountConfig, index: number) => Component): ServerComponents {
  const producerOf = new Map<string, string>();
  const streamers = config.mounts.map((m, i) => {
    const made = producer(m, i);
    producerOf.set(m.path, made.name);
    const streamer = new HttpStreamer(`http-${uniqueSlug(config, i)}`, made.name, {
      path: m.path, contentType: contentTypeOf(m.format, m.video === null), maxViewers: m.maxViewers, slowViewers: config.slowViewers.policy,
      lagBytes: config.slowViewers.lagBytes, clientTimeout: config.slowViewers.timeout, shards: config.shards,
      ...(config.burst === null ? {} : { burst: config.burst }),
      ...(m.overflowRedirect === null ? {} : { overflowRedirect: m.overflowRedirect }),
      ...(m.maxViewerSeconds === null ? {} : { maxViewerSeconds: m.maxViewerSeconds }),
    });
    all.push(made, streamer);
    return streamer;
  });
  const recorders = config.recordings.map((r, i) => new DiskRecorder(`disk-${i}`, producerOf.get(r.mount) as string, r.file,
    { retrySeconds: r.retrySeconds, ...(r.rotateSeconds === null ? {} : { rotateSeconds: r.rotateSeconds }),
      ...(r.rotateBytes === null ? {} : { rotateBytes: r.rotateBytes }) }));
  all.push(...exporters(config, feeds, producerOf), ...recorders);
  return { all, streamers, recorders };
}

/** A feed exporter per mount when `config.feeds` is set: mount `/x` is offered as feed `/x`. */
function exporters(config: ServerConfig, feeds: ServerFeeds, producerOf: ReadonlyMap<string, string>): Component[] {
  if (config.feeds === null) return [];
  feedSecret(feeds, 'feeds');
  const server = feeds.server;
  if (server === null) throw new ConfigError('feeds', 'no feed server was given for the feeds');
  return config.mounts.map((m, i) => new FeedExporter(`feed-${i}`, producerOf.get(m.path) as string, m.path, server));
}

/**
 * An edge: each mount relays the upstream server's feed of the same path, as it comes (no
 * decoding, no encoding here), to its HTTP streamer (and recorders, and feed exporters: edges can
 * feed further edges).
 */
function relayComponents(config: ServerConfig, feeds: ServerFeeds): ServerComponents {
  const src = config.source;
  const secret = feedSecret(feeds, 'source');
  return mountOutputs(config, feeds, [], (m, i) => new FeedEater(`relay-${uniqueSlug(config, i)}`.slice(0, 63),
    { host: src.host, port: src.port, feed: m.path, identity: src.identity, secret, fallbacks: src.fallbacks }));
}

/** Flumotion's bandwidth rule: refuse when (viewers + 1) × bitrate of the mount would pass the limit. */
export function bandwidthRefusal(streamers: readonly HttpStreamer[], joining: HttpStreamer, maxBandwidth: number | null): string | null {
  if (maxBandwidth === null) return null;
  const current = streamers.reduce((sum, s) => sum + s.viewers * s.bitrate, 0);
  return current + joining.bitrate > maxBandwidth
    ? `the server is at its bandwidth limit (${Math.round(current)} of ${maxBandwidth} bit/s)` : null;
}
