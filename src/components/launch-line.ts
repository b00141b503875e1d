/**
 * The `torsion launch` line, in the spirit of flumotion-launch and gst-launch:
 *
 *     test-source width=160 ! vp8-encoder ! webm-muxer name=mux ! http-streamer path=/cam.webm
 *     src.audio ! vorbis-encoder ! mux.
 *
 * A chain is components joined by `!`; each eats the previous one's feed (an encoder after a
 * source takes the feed of its own medium, `video` or `audio`). A word that follows a component
 * without `!` starts a new chain. `name.` refers to a component named earlier or later (`name=`),
 * `name.feed` to one of its feeds: at the start of a chain it is the producer, at the end the
 * consumer. Properties are `key=value`. A `feed-eater` eats a GDP feed of another server
 * (`TORSION_FEED_SECRET`): relayed as it comes (its feed is the muxed stream, for a streamer or a
 * recorder), or with `decode=true` decoded into `video` and `audio` for encoders.
 * Tests: test/components/launch-line.test.ts, test/cli/launch.test.ts.
 */
import type { Component } from './component';
import { DiskRecorder } from './disk-recorder';
import { AudioEncoder, VideoEncoder } from './encoders';
import { FeedEater } from './feed-components';
import { LaunchLineError } from './errors';
import { HttpStreamer, type SlowViewerPolicy } from './http-streamer';
import { Muxer } from './muxers';
import { TestSource } from './test-source';

type Props = Map<string, string>;

interface Spec {
  readonly kind: string;
  readonly props: Props;
  name: string;
  readonly eaters: string[];
}

interface Link {
  readonly consumer: Spec | { readonly ref: string };
  readonly producer: Spec | { readonly ref: string };
}

interface Kind {
  readonly props: readonly string[];
  /** The medium it eats, when a producer has several feeds. */
  readonly wants?: 'video' | 'audio';
  readonly source?: boolean;
  readonly sink?: boolean;
}

/** The component kinds a launch line knows, with their properties. */
export const LAUNCH_KINDS: Readonly<Record<string, Kind>> = {
  'test-source': { props: ['width', 'height', 'framerate', 'pattern', 'frequency', 'video', 'audio'], source: true },
  'vp8-encoder': { props: ['bitrate', 'keyframe-distance'], wants: 'video' },
  'theora-encoder': { props: ['bitrate', 'keyframe-distance'], wants: 'video' },
  'vorbis-encoder': { props: ['quality'], wants: 'audio' },
  'opus-encoder': { props: ['bitrate'], wants: 'audio' },
  'webm-muxer': { props: [] },
  'ogg-muxer': { props: [] },
  'http-streamer': { props: ['path', 'max-viewers', 'slow-viewers'], sink: true },
  'disk-recorder': { props: ['file', 'rotate-seconds', 'rotate-bytes', 'retry-seconds'], sink: true },
  'feed-eater': { props: ['host', 'port', 'feed', 'identity', 'decode', 'width', 'height', 'framerate'], source: true },
};

/** What a launch line may need from outside the line. */
export interface LaunchLineOptions {
  /** The secret shared with feed servers (`TORSION_FEED_SECRET`); a `feed-eater` needs it. */
  readonly feedSecret?: string | null;
}

/** True when `spec` produces raw `video` and `audio` feeds (an encoder must eat them). */
function producesRaw(spec: Spec): boolean {
  return spec.kind === 'test-source' || (spec.kind === 'feed-eater' && spec.props.get('decode') === 'true');
}

/** The HTTP Content-Type of a relayed feed, from its name's extension. */
function contentTypeOfFeed(feed: string): string {
  if (feed.endsWith('.webm')) return 'video/webm';
  if (/\.(ogg|ogv)$/.test(feed)) return 'video/ogg';
  if (/\.(oga|opus)$/.test(feed)) return 'audio/ogg';
  return 'application/octet-stream';
}

function number(spec: Spec, key: string, integer: boolean): number | undefined {
  const v = spec.props.get(key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < (integer ? 1 : -1)) {
    throw new LaunchLineError(`${spec.name}: ${key} must be a ${integer ? 'positive integer' : 'number'}, got '${v}'`);
  }
  return n;
}

function bool(spec: Spec, key: string): boolean | undefined {
  const v = spec.props.get(key);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw new LaunchLineError(`${spec.name}: ${key} must be true or false, got '${v}'`);
  return v === 'true';
}

/** Splits a line into words; `!` is a word of its own. */
function words(argv: readonly string[]): string[] {
  return argv.flatMap((a) => a.split(/(!)|\s+/)).filter((w): w is string => w !== undefined && w !== '');
}

/** Parses a launch line (the arguments after `torsion launch`) into components, in order. */
export function parseLaunchLine(argv: readonly string[], options: LaunchLineOptions = {}): Component[] {
  const tokens = words(argv);
  if (tokens.length === 0) throw new LaunchLineError('the launch line is empty');
  const specs: Spec[] = [];
  const counters = new Map<string, number>();
  // The pending producer of the current chain: a spec, or a reference `name[.feed]`.
  let previous: { spec: Spec } | { ref: string } | null = null;
  let linked = false; // a `!` came after `previous`
  let current: Spec | null = null;
  const pendingRefs: Link[] = [];
  const link = (producer: { spec: Spec } | { ref: string }, consumer: Spec): void => {
    pendingRefs.push({ consumer, producer: 'spec' in producer ? producer.spec : producer });
  };
  for (const w of tokens) {
    if (w === '!') {
      if (previous === null || linked) throw new LaunchLineError(`'!' must come between two components`);
      linked = true;
      current = null;
      continue;
    }
    const prop = /^([a-z][a-z0-9-]*)=(.*)$/.exec(w);
    if (prop !== null) {
      if (current === null) throw new LaunchLineError(`property '${w}' does not follow a component`);
      const [, key, value] = prop as unknown as [string, string, string];
      if (key !== 'name' && !(LAUNCH_KINDS[current.kind]?.props ?? []).includes(key)) {
        throw new LaunchLineError(`${current.kind} has no property '${key}' (it has: ${['name', ...(LAUNCH_KINDS[current.kind]?.props ?? [])].join(', ')})`);
      }
      if (key === 'name') current.name = value;
      else current.props.set(key, value);
      continue;
    }
    const ref = /^([a-z][a-z0-9-]*)\.([a-z0-9-]*)$/.exec(w);
    if (ref !== null) {
      const target = { ref: ref[2] === '' ? (ref[1] as string) : `${ref[1]}:${ref[2]}` };
      if (linked && previous !== null) {
        // End of a chain: `… ! name.` — the named component eats the previous producer.
        pendingRefs.push({ consumer: { ref: ref[1] as string }, producer: 'spec' in previous ? previous.spec : previous });
        previous = null;
        linked = false;
      } else {
        previous = target;
        linked = false;
      }
      current = null;
      continue;
    }
    if (LAUNCH_KINDS[w] === undefined) {
      throw new LaunchLineError(`unknown component '${w}' (known: ${Object.keys(LAUNCH_KINDS).join(', ')})`);
    }
    const n = counters.get(w) ?? 0;
    counters.set(w, n + 1);
    const spec: Spec = { kind: w, props: new Map(), name: `${w.replace(/-(source|encoder|muxer|streamer|recorder)$/, '')}${n === 0 ? '' : `-${n}`}`, eaters: [] };
    if (linked && previous !== null) link(previous, spec);
    specs.push(spec);
    previous = { spec };
    current = spec;
    linked = false;
  }
  if (linked) throw new LaunchLineError(`the line ends with '!'`);
  return build(specs, pendingRefs, options);
}

function resolveProducer(producer: Spec | { readonly ref: string }, consumer: Spec, byName: ReadonlyMap<string, Spec>): string {
  if ('ref' in producer) {
    const name = producer.ref.split(':')[0] as string;
    if (!byName.has(name)) throw new LaunchLineError(`no component named '${name}'`);
    if (producer.ref.includes(':')) return producer.ref;
    producer = byName.get(name) as Spec;
  }
  if (LAUNCH_KINDS[producer.kind]?.sink === true) throw new LaunchLineError(`${producer.name} (${producer.kind}) produces no feed`);
  const wants = LAUNCH_KINDS[consumer.kind]?.wants;
  if (producesRaw(producer)) {
    if (wants === undefined) throw new LaunchLineError(`${consumer.name} eats raw ${producer.name}: put an encoder between them`);
    return `${producer.name}:${wants}`;
  }
  if (wants !== undefined) {
    throw new LaunchLineError(`${consumer.name} encodes raw ${wants}, but ${producer.name} (${producer.kind}) gives an encoded stream`
      + `${producer.kind === 'feed-eater' ? ': add decode=true' : ''}`);
  }
  return producer.name;
}

function build(specs: Spec[], links: readonly Link[], options: LaunchLineOptions): Component[] {
  const byName = new Map<string, Spec>();
  for (const s of specs) {
    if (byName.has(s.name)) throw new LaunchLineError(`two components are named '${s.name}'`);
    byName.set(s.name, s);
  }
  for (const l of links) {
    const consumer = 'ref' in l.consumer ? byName.get(l.consumer.ref) : l.consumer;
    if (consumer === undefined) throw new LaunchLineError(`no component named '${(l.consumer as { ref: string }).ref}'`);
    if (LAUNCH_KINDS[consumer.kind]?.source === true) throw new LaunchLineError(`${consumer.name} (${consumer.kind}) eats nothing`);
    consumer.eaters.push(resolveProducer(l.producer, consumer, byName));
  }
  const made = new Map<string, Component>();
  const make = (s: Spec): Component => {
    const cached = made.get(s.name);
    if (cached !== undefined) return cached;
    const c = create(s);
    made.set(s.name, c);
    return c;
  };
  const create = (s: Spec): Component => {
    const one = (): string => {
      if (s.eaters.length !== 1) throw new LaunchLineError(`${s.name} (${s.kind}) eats exactly one feed, got ${s.eaters.length}`);
      return s.eaters[0] as string;
    };
    switch (s.kind) {
      case 'test-source':
        return new TestSource(s.name, dropUndefined({ width: number(s, 'width', true), height: number(s, 'height', true),
          framerate: number(s, 'framerate', true), pattern: s.props.get('pattern'), frequency: number(s, 'frequency', true),
          video: bool(s, 'video'), audio: bool(s, 'audio') }));
      case 'vp8-encoder':
      case 'theora-encoder':
        return new VideoEncoder(s.name, s.kind === 'vp8-encoder' ? 'vp8' : 'theora', one(),
          dropUndefined({ bitrate: number(s, 'bitrate', true), keyframeDistance: number(s, 'keyframe-distance', true) }));
      case 'vorbis-encoder':
      case 'opus-encoder':
        return new AudioEncoder(s.name, s.kind === 'vorbis-encoder' ? 'vorbis' : 'opus', one(),
          dropUndefined({ quality: number(s, 'quality', false), bitrate: number(s, 'bitrate', true) }));
      case 'webm-muxer':
      case 'ogg-muxer': {
        if (s.eaters.length === 0) throw new LaunchLineError(`${s.name} (${s.kind}) eats nothing`);
        const audioOnly = s.eaters.every((e) => ['vorbis-encoder', 'opus-encoder'].includes(byName.get(e.split(':')[0] as string)?.kind ?? ''));
        return new Muxer(s.name, s.kind === 'webm-muxer' ? 'webm' : 'ogg', s.eaters, { audioOnly });
      }
      case 'http-streamer': {
        const eater = one();
        const upstream = byName.get(eater.split(':')[0] as string);
        const muxer = upstream === undefined ? undefined : make(upstream);
        const relayed = muxer instanceof FeedEater ? contentTypeOfFeed(muxer.feed) : null;
        const path = s.props.get('path') ?? `/${s.name}.${muxer instanceof Muxer ? muxer.format : relayed?.split('/')[1] ?? 'bin'}`;
        if (!/^\/[A-Za-z0-9._~/-]*$/.test(path) || ['/', '/stats', '/metrics'].includes(path)) throw new LaunchLineError(`${s.name}: bad path '${path}'`);
        const slow = s.props.get('slow-viewers');
        if (slow !== undefined && slow !== 'drop' && slow !== 'resync') throw new LaunchLineError(`${s.name}: slow-viewers must be drop or resync`);
        return new HttpStreamer(s.name, eater, dropUndefined({ path, contentType: muxer instanceof Muxer ? muxer.contentType : relayed ?? 'application/octet-stream',
          maxViewers: number(s, 'max-viewers', true), slowViewers: slow as SlowViewerPolicy | undefined }));
      }
      case 'feed-eater': {
        const secret = options.feedSecret ?? null;
        if (secret === null || Buffer.byteLength(secret) < 16) throw new LaunchLineError(`${s.name}: a feed-eater needs TORSION_FEED_SECRET (at least 16 bytes)`);
        const feed = s.props.get('feed') ?? '/live.webm';
        if (!/^\/[A-Za-z0-9._~/-]*$/.test(feed)) throw new LaunchLineError(`${s.name}: bad feed '${feed}'`);
        const identity = s.props.get('identity') ?? 'torsion-launch';
        if (identity.includes('@') || identity === '') throw new LaunchLineError(`${s.name}: identity must be non-empty, without @`);
        const decode = bool(s, 'decode') === true;
        for (const k of ['width', 'height', 'framerate']) {
          if (!decode && s.props.has(k)) throw new LaunchLineError(`${s.name}: ${k} is for decode=true`);
        }
        const port = number(s, 'port', true) ?? 8802;
        if (port > 65535) throw new LaunchLineError(`${s.name}: port must be at most 65535, got ${port}`);
        return new FeedEater(s.name, { host: s.props.get('host') ?? '127.0.0.1', port, feed, identity, secret,
          ...(decode ? { decode: { width: number(s, 'width', true) ?? 320, height: number(s, 'height', true) ?? 240,
            framerate: number(s, 'framerate', true) ?? 15 } } : {}) });
      }
      default: {
        const file = s.props.get('file');
        if (file === undefined || file === '') throw new LaunchLineError(`${s.name}: disk-recorder needs file=`);
        return new DiskRecorder(s.name, one(), file, dropUndefined({ rotateSeconds: number(s, 'rotate-seconds', true), rotateBytes: number(s, 'rotate-bytes', true),
          retrySeconds: number(s, 'retry-seconds', true) }));
      }
    }
  };
  return specs.map(make);
}

function dropUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
