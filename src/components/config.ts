/**
 * The `torsion serve` configuration: its shape, its defaults (a config that needs nothing: a test
 * source served as `/live.webm` VP8+Vorbis and `/live.ogg` Theora+Vorbis on port 8800) and its
 * validation. `parseServerConfig` accepts the parsed JSON/YAML value and throws a
 * {@link ConfigError} naming the field at fault (`mounts[1].video`); unknown keys are errors, so a
 * typo does not pass silently. Reference: docs/config.md. Tests: test/components/config.test.ts.
 */
import { parse as parseYaml } from 'yaml';
import type { AudioCodec, VideoCodec } from './encoders';
import { ConfigError } from './errors';
import type { Burst, SlowViewerPolicy } from './http-streamer';
import type { MuxFormat } from './muxers';
import { overflowOrigin } from './overflow';

/** Where the stream comes from (docs/config.md). */
export type SourceType = 'test' | 'ingest' | 'feed' | 'relay';

export interface SourceConfig {
  /**
   * `test`: the built-in test source; `ingest`: a producer pushes a stream over HTTP
   * (Icecast-style); `feed`: a GDP feed from another server (`source.feed`), decoded and encoded
   * here; `relay`: an edge — each mount relays the upstream server's feed of the same path as is.
   */
  readonly type: SourceType;
  readonly width: number;
  readonly height: number;
  readonly framerate: number;
  /** Ingest: the port producers connect to (default 8801). Feed/relay: the upstream feed port (default 8802). */
  readonly port: number;
  /** Feed/relay: the upstream server's address. */
  readonly host: string;
  /** Feed: the upstream feed decoded here (a mount path of the upstream server). */
  readonly feed: string;
  /** Feed/relay: who we are to the upstream server (its logs and stats name us so). */
  readonly identity: string;
  /** Ingest: the path producers push to. */
  readonly path: string;
  /** Ingest: the source password (user `source`); `TORSION_SOURCE_PASSWORD` fills it in `torsion serve`. */
  readonly password: string | null;
  /** Ingest: seconds without a byte from the producer before it is dropped (default 10; 0: never). */
  readonly stallTimeout: number;
  /**
   * Feed/relay: other servers offering the same feeds (`host` or `host:port`, the port defaulting
   * to `port`), dialled in turn after `host` when a connection fails or is lost.
   */
  readonly fallbacks: ReadonlyArray<{ readonly host: string; readonly port: number }>;
}

export interface EncodingConfig {
  /** VP8/Theora/Opus bitrate, bits per second. */
  readonly videoBitrate: number;
  /** Frames between keyframes. */
  readonly keyframeDistance: number;
  readonly vorbisQuality: number;
  readonly opusBitrate: number;
}

export interface MountConfig {
  readonly path: string;
  readonly format: MuxFormat;
  readonly video: VideoCodec | null;
  readonly audio: AudioCodec | null;
  readonly maxViewers: number;
  /** Where viewers refused for capacity are sent (302) instead of a 503: an http(s) origin, or null. */
  readonly overflowRedirect: string | null;
  /** Seconds a viewer may stay connected, or null for no limit. */
  readonly maxViewerSeconds: number | null;
}

export interface RecordingConfig {
  /** The mount whose stream is written. */
  readonly mount: string;
  readonly file: string;
  /** Start a new file every this many seconds (null: one file). */
  readonly rotateSeconds: number | null;
  /** Start a new file once the current one has this many bytes (at least 64 KiB), or null. */
  readonly rotateBytes: number | null;
  /** After a file cannot be opened or written, try the next one this many seconds later. */
  readonly retrySeconds: number;
}

export interface TlsConfig {
  readonly port: number;
  /** PEM certificate (chain) file. */
  readonly cert: string;
  /** PEM private key file. */
  readonly key: string;
}

/** Exporting this server's mounts as GDP feeds for other servers (edges) to eat. */
export interface FeedsConfig {
  /** The feed port (default 8802). */
  readonly port: number;
  /** The address it listens on (default: the server's `host`). */
  readonly host: string;
}

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly tls: TlsConfig | null;
  /** An scrypt password file (`torsion passwd`) for HTTP Basic viewers, besides tokens. */
  readonly passwordFile: string | null;
  readonly source: SourceConfig;
  /** Offer every mount's stream as a GDP feed named by its path (secret: `TORSION_FEED_SECRET`), or null. */
  readonly feeds: FeedsConfig | null;
  readonly encoding: EncodingConfig;
  readonly mounts: readonly MountConfig[];
  readonly recordings: readonly RecordingConfig[];
  /** Most bits per second sent to viewers in total; a viewer that would pass it is answered 503. */
  readonly maxBandwidth: number | null;
  readonly slowViewers: { readonly policy: SlowViewerPolicy; readonly lagBytes: number; readonly timeout: number };
  /**
   * multifdsinks per mount (behind a tee), each with its own writer thread; viewers are spread
   * over them. One per core for thousands of viewers (docs/benchmarks.md).
   */
  readonly shards: number;
  /** Burst on connect for every mount (`{seconds}` or `{bytes}`), or null. */
  readonly burst: Burst | null;
  /** End a token viewer's stream when its token expires (Flumotion's keycard duration). */
  readonly expireViewers: boolean;
  /** Failed logins allowed per address in a burst, and forgiven per second. */
  readonly authRateLimit: { readonly burst: number; readonly refillPerSecond: number };
}

export const DEFAULT_MOUNTS: readonly MountConfig[] = [
  { path: '/live.webm', format: 'webm', video: 'vp8', audio: 'vorbis', maxViewers: 1000, overflowRedirect: null, maxViewerSeconds: null },
  { path: '/live.ogg', format: 'ogg', video: 'theora', audio: 'vorbis', maxViewers: 1000, overflowRedirect: null, maxViewerSeconds: null },
];

type Obj = Readonly<Record<string, unknown>>;

function object(value: unknown, field: string, keys: readonly string[]): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(field === '' ? '(config)' : field, 'must be an object');
  for (const k of Object.keys(value)) {
    if (!keys.includes(k)) throw new ConfigError(field === '' ? k : `${field}.${k}`, `unknown setting (known: ${keys.join(', ')})`);
  }
  return value as Obj;
}

function join(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

function int(o: Obj, field: string, key: string, fallback: number, min: number, max: number): number {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(join(field, key), `must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** `host`, `host:port` or `[v6]:port` → an address; the port defaults to `port`. */
function feederAddress(entry: unknown, field: string, port: number): { host: string; port: number } {
  const m = typeof entry === 'string' ? /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+))(?::([0-9]{1,5}))?$/.exec(entry.trim()) : null;
  const p = m?.[3] === undefined ? port : Number(m[3]);
  if (m === null || p < 1 || p > 65535) throw new ConfigError(field, `must be "host" or "host:port", got ${JSON.stringify(entry)}`);
  return { host: (m[1] ?? m[2]) as string, port: p };
}

function num(o: Obj, field: string, key: string, fallback: number, min: number, max: number): number {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new ConfigError(join(field, key), `must be a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function str(o: Obj, field: string, key: string, fallback: string | null): string {
  const v = o[key];
  if (v === undefined && fallback !== null) return fallback;
  if (typeof v !== 'string' || v === '') throw new ConfigError(join(field, key), v === undefined ? 'is required' : 'must be a non-empty string');
  return v;
}

function oneOf<T extends string>(o: Obj, field: string, key: string, allowed: readonly T[], fallback: T | null): T | null {
  const v = o[key];
  if (v === undefined) return fallback;
  if (v === null) return null;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new ConfigError(join(field, key), `must be one of ${allowed.join(', ')}${fallback === null ? ' or null' : ''}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

const PATH = /^\/[A-Za-z0-9._~/-]*$/;
const MUX_CODECS: Readonly<Record<MuxFormat, { video: readonly VideoCodec[]; audio: readonly AudioCodec[] }>> = {
  webm: { video: ['vp8'], audio: ['vorbis', 'opus'] },
  ogg: { video: ['theora', 'vp8'], audio: ['vorbis', 'opus'] },
};

/** An overflow redirect: an http(s) origin, checked as the streamer will use it. */
function origin(o: Obj, field: string, key: string, fallback: string | null): string | null {
  const v = o[key];
  if (v === undefined) return fallback;
  if (v === null) return null;
  const url = str(o, field, key, null);
  try {
    return overflowOrigin(join(field, key), url);
  } catch (error) {
    throw new ConfigError(join(field, key), `must be an http(s) origin like http://edge-2:8800, got ${JSON.stringify(url)}`, { cause: error });
  }
}

/** A duration limit in seconds, or null for none. */
function seconds(o: Obj, field: string, key: string, fallback: number | null): number | null {
  if (o[key] === undefined) return fallback;
  if (o[key] === null) return null;
  return num(o, field, key, 0, 1, 31_536_000);
}

function mount(value: unknown, field: string, fallbackMax: number, fallbackRedirect: string | null, fallbackSeconds: number | null): MountConfig {
  const o = object(value, field, ['path', 'format', 'video', 'audio', 'maxViewers', 'overflowRedirect', 'maxViewerSeconds']);
  const path = str(o, field, 'path', null);
  if (!PATH.test(path) || path === '/' || path === '/stats' || path === '/metrics') {
    throw new ConfigError(`${field}.path`, `'${path}' is not a usable mount path (starts with /; not /, /stats or /metrics)`);
  }
  const format = oneOf(o, field, 'format', ['webm', 'ogg'] as const, path.endsWith('.ogg') ? 'ogg' : 'webm') as MuxFormat;
  const allowed = MUX_CODECS[format];
  const video = oneOf(o, field, 'video', allowed.video, allowed.video[0] ?? null);
  const audio = oneOf(o, field, 'audio', allowed.audio, allowed.audio[0] ?? null);
  if (video === null && audio === null) throw new ConfigError(field, 'needs video, audio or both');
  return { path, format, video, audio, maxViewers: int(o, field, 'maxViewers', fallbackMax, 1, 1_000_000),
    overflowRedirect: origin(o, field, 'overflowRedirect', fallbackRedirect), maxViewerSeconds: seconds(o, field, 'maxViewerSeconds', fallbackSeconds) };
}

/** Validates a parsed configuration value (undefined/null: all defaults). */
export function parseServerConfig(value: unknown): ServerConfig {
  const o = object(value ?? {}, '', ['port', 'host', 'tls', 'passwordFile', 'source', 'feeds', 'encoding', 'mounts', 'recordings',
    'maxViewers', 'maxBandwidth', 'slowViewers', 'authRateLimit', 'expireViewers', 'burst', 'shards', 'overflowRedirect', 'maxViewerSeconds']);
  const port = int(o, '', 'port', 8800, 0, 65535);
  const host = str(o, '', 'host', '127.0.0.1');
  let tls: TlsConfig | null = null;
  if (o['tls'] !== undefined && o['tls'] !== null) {
    const t = object(o['tls'], 'tls', ['port', 'cert', 'key']);
    tls = { port: int(t, 'tls', 'port', 8843, 0, 65535), cert: str(t, 'tls', 'cert', null), key: str(t, 'tls', 'key', null) };
  }
  const passwordFile = o['passwordFile'] === undefined || o['passwordFile'] === null ? null : str(o, '', 'passwordFile', null);
  const s = object(o['source'] ?? {}, 'source', ['type', 'width', 'height', 'framerate', 'port', 'path', 'password', 'host', 'feed', 'identity',
    'stallTimeout', 'fallbacks']);
  const type = oneOf(s, 'source', 'type', ['test', 'ingest', 'feed', 'relay'] as const, 'test') as SourceType;
  const upstream = type === 'feed' || type === 'relay';
  for (const key of ['host', 'feed', 'identity', 'fallbacks']) {
    if (s[key] !== undefined && !upstream) throw new ConfigError(`source.${key}`, 'is only for source.type feed or relay');
  }
  if (s['stallTimeout'] !== undefined && type !== 'ingest') throw new ConfigError('source.stallTimeout', 'is only for source.type ingest');
  if (s['feed'] !== undefined && type === 'relay') throw new ConfigError('source.feed', 'a relay eats each mount\'s own path; source.feed is for source.type feed');
  let source: SourceConfig = {
    type,
    width: int(s, 'source', 'width', 320, 16, 7680),
    height: int(s, 'source', 'height', 240, 16, 4320),
    framerate: int(s, 'source', 'framerate', 15, 1, 120),
    port: int(s, 'source', 'port', upstream ? 8802 : 8801, upstream ? 1 : 0, 65535),
    host: str(s, 'source', 'host', '127.0.0.1'),
    feed: str(s, 'source', 'feed', '/live.webm'),
    identity: str(s, 'source', 'identity', 'torsion'),
    path: str(s, 'source', 'path', '/ingest'),
    password: s['password'] === undefined || s['password'] === null ? null : str(s, 'source', 'password', null),
    stallTimeout: num(s, 'source', 'stallTimeout', 10, 0, 3600),
    fallbacks: [],
  };
  if (s['fallbacks'] !== undefined) {
    const list = s['fallbacks'];
    if (!Array.isArray(list)) throw new ConfigError('source.fallbacks', 'must be a list of "host" or "host:port"');
    source = { ...source, fallbacks: list.map((entry: unknown, i: number) => feederAddress(entry, `source.fallbacks[${i}]`, source.port)) };
  }
  if (!PATH.test(source.path)) throw new ConfigError('source.path', `'${source.path}' is not a path`);
  if (!PATH.test(source.feed)) throw new ConfigError('source.feed', `'${source.feed}' is not a feed name (a mount path of the upstream server)`);
  if (source.identity.includes('@') || Buffer.byteLength(source.identity) > 100) throw new ConfigError('source.identity', 'must have no @ and at most 100 bytes');
  if (source.password !== null && source.password.length < 8) throw new ConfigError('source.password', 'must have at least 8 characters');
  let feeds: FeedsConfig | null = null;
  if (o['feeds'] !== undefined && o['feeds'] !== null) {
    const f = object(o['feeds'], 'feeds', ['port', 'host']);
    feeds = { port: int(f, 'feeds', 'port', 8802, 0, 65535), host: str(f, 'feeds', 'host', host) };
  }
  const e = object(o['encoding'] ?? {}, 'encoding', ['videoBitrate', 'keyframeDistance', 'vorbisQuality', 'opusBitrate']);
  const encoding: EncodingConfig = {
    videoBitrate: int(e, 'encoding', 'videoBitrate', 400_000, 10_000, 100_000_000),
    keyframeDistance: int(e, 'encoding', 'keyframeDistance', source.framerate, 1, 1000),
    vorbisQuality: num(e, 'encoding', 'vorbisQuality', 0.2, -0.1, 1),
    opusBitrate: int(e, 'encoding', 'opusBitrate', 64_000, 4000, 650_000),
  };
  const maxViewers = int(o, '', 'maxViewers', 1000, 1, 1_000_000);
  const rawMounts = o['mounts'];
  if (rawMounts !== undefined && (!Array.isArray(rawMounts) || rawMounts.length === 0)) throw new ConfigError('mounts', 'must be a non-empty list');
  const overflowRedirect = origin(o, '', 'overflowRedirect', null);
  const maxViewerSeconds = seconds(o, '', 'maxViewerSeconds', null);
  const mounts = rawMounts === undefined
    ? DEFAULT_MOUNTS.map((m) => ({ ...m, maxViewers, overflowRedirect, maxViewerSeconds }))
    : (rawMounts as unknown[]).map((m, i) => mount(m, `mounts[${i}]`, maxViewers, overflowRedirect, maxViewerSeconds));
  const paths = new Set<string>();
  mounts.forEach((m, i) => {
    if (paths.has(m.path)) throw new ConfigError(`mounts[${i}].path`, `'${m.path}' is used twice`);
    paths.add(m.path);
  });
  const rawRec = o['recordings'] ?? [];
  if (!Array.isArray(rawRec)) throw new ConfigError('recordings', 'must be a list');
  const recordings = (rawRec as unknown[]).map((r, i) => {
    const field = `recordings[${i}]`;
    const ro = object(r, field, ['mount', 'file', 'rotateSeconds', 'rotateBytes', 'retrySeconds']);
    const m = str(ro, field, 'mount', null);
    if (!paths.has(m)) throw new ConfigError(`${field}.mount`, `no mount '${m}'`);
    const rotateSeconds = ro['rotateSeconds'] === undefined || ro['rotateSeconds'] === null ? null : num(ro, field, 'rotateSeconds', 0, 1, 31_536_000);
    const rotateBytes = ro['rotateBytes'] === undefined || ro['rotateBytes'] === null ? null : int(ro, field, 'rotateBytes', 0, 65_536, Number.MAX_SAFE_INTEGER);
    return { mount: m, file: str(ro, field, 'file', null), rotateSeconds, rotateBytes, retrySeconds: num(ro, field, 'retrySeconds', 5, 0.1, 86_400) };
  });
  const maxBandwidth = o['maxBandwidth'] === undefined || o['maxBandwidth'] === null ? null
    : int(o, '', 'maxBandwidth', 0, 1000, Number.MAX_SAFE_INTEGER);
  const sv = object(o['slowViewers'] ?? {}, 'slowViewers', ['policy', 'lagBytes', 'timeout']);
  const slowViewers = {
    policy: oneOf(sv, 'slowViewers', 'policy', ['resync', 'drop'] as const, 'resync') as SlowViewerPolicy,
    lagBytes: int(sv, 'slowViewers', 'lagBytes', 2_000_000, 10_000, 1_000_000_000),
    timeout: num(sv, 'slowViewers', 'timeout', 20, 0, 86_400),
  };
  const rl = object(o['authRateLimit'] ?? {}, 'authRateLimit', ['burst', 'refillPerSecond']);
  const authRateLimit = { burst: int(rl, 'authRateLimit', 'burst', 10, 1, 1_000_000), refillPerSecond: num(rl, 'authRateLimit', 'refillPerSecond', 0.1, 0.0001, 1e6) };
  let burst: Burst | null = null;
  if (o['burst'] !== undefined && o['burst'] !== null) {
    const b = object(o['burst'], 'burst', ['seconds', 'bytes']);
    if ((b['seconds'] === undefined) === (b['bytes'] === undefined)) throw new ConfigError('burst', 'give exactly one of seconds and bytes');
    burst = b['seconds'] !== undefined ? { seconds: num(b, 'burst', 'seconds', 0, 0.1, 60) } : { bytes: int(b, 'burst', 'bytes', 0, 1000, 100_000_000) };
  }
  const expireViewers = o['expireViewers'] ?? true;
  if (typeof expireViewers !== 'boolean') throw new ConfigError('expireViewers', `must be true or false, got ${JSON.stringify(expireViewers)}`);
  const shards = int(o, '', 'shards', 1, 1, 64);
  return { port, host, tls, passwordFile, source, feeds, shards, encoding, mounts, recordings, maxBandwidth, slowViewers, authRateLimit, expireViewers, burst };
}

/** Parses a JSON or YAML config text (YAML is a superset of JSON); `source` names the file in errors. */
export function parseServerConfigText(text: string, source = 'config'): ServerConfig {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ConfigError(source, `cannot be parsed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return parseServerConfig(value);
}
