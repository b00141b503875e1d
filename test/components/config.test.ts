import { describe, expect, it } from 'vitest';
import { ConfigError, parseServerConfig, parseServerConfigText } from '../../src/components/index';

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('TORSION_ERR_CONFIG');
    expect((error as ConfigError).message.startsWith((error as ConfigError).field)).toBe(true);
    return (error as ConfigError).field;
  }
  throw new Error('no ConfigError');
}

describe('server configuration', () => {
  it('needs nothing: port 8800, /live.webm VP8+Vorbis and /live.ogg Theora+Vorbis', () => {
    for (const c of [parseServerConfig(undefined), parseServerConfig(null), parseServerConfig({}), parseServerConfigText('')]) {
      expect(c.port).toBe(8800);
      expect(c.host).toBe('127.0.0.1');
      expect(c.tls).toBeNull();
      expect(c.passwordFile).toBeNull();
      expect(c.mounts.map((m) => [m.path, m.format, m.video, m.audio])).toEqual([
        ['/live.webm', 'webm', 'vp8', 'vorbis'], ['/live.ogg', 'ogg', 'theora', 'vorbis']]);
      expect(c.mounts.every((m) => m.maxViewers === 1000)).toBe(true);
      expect(c.maxBandwidth).toBeNull();
      expect(c.slowViewers.policy).toBe('resync');
      expect(c.encoding.keyframeDistance).toBe(c.source.framerate);
      expect(c.expireViewers).toBe(true);
    }
  });

  it('reads YAML and JSON alike, with per-mount defaults from the path and the top-level maxViewers', () => {
    const yaml = parseServerConfigText([
      'port: 9000',
      'maxViewers: 7',
      'maxBandwidth: 5000000',
      'source: { width: 160, height: 120, framerate: 10 }',
      'mounts:',
      '  - path: /radio.ogg',
      '    video: null',
      '    audio: opus',
      '  - path: /tv.webm',
      '    maxViewers: 3',
      'recordings:',
      '  - { mount: /tv.webm, file: /tmp/tv.webm }',
      'slowViewers: { policy: drop, lagBytes: 100000, timeout: 5 }',
    ].join('\n'), 'server.yaml');
    const json = parseServerConfigText(JSON.stringify({ port: 9000, maxViewers: 7, maxBandwidth: 5_000_000,
      source: { width: 160, height: 120, framerate: 10 },
      mounts: [{ path: '/radio.ogg', video: null, audio: 'opus' }, { path: '/tv.webm', maxViewers: 3 }],
      recordings: [{ mount: '/tv.webm', file: '/tmp/tv.webm' }], slowViewers: { policy: 'drop', lagBytes: 100_000, timeout: 5 } }));
    expect(json).toEqual(yaml);
    expect(yaml.mounts).toEqual([
      { path: '/radio.ogg', format: 'ogg', video: null, audio: 'opus', maxViewers: 7, overflowRedirect: null, maxViewerSeconds: null },
      { path: '/tv.webm', format: 'webm', video: 'vp8', audio: 'vorbis', maxViewers: 3, overflowRedirect: null, maxViewerSeconds: null },
    ]);
    // Redirect-on-overflow: a default for every mount, overridden (or switched off with null) per mount.
    const redirected = parseServerConfig({ overflowRedirect: 'http://edge-2:8800/',
      mounts: [{ path: '/a.webm' }, { path: '/b.webm', overflowRedirect: 'https://edge-3' }, { path: '/c.webm', overflowRedirect: null }] });
    expect(redirected.mounts.map((m) => m.overflowRedirect)).toEqual(['http://edge-2:8800', 'https://edge-3', null]);
    expect(parseServerConfig({ overflowRedirect: 'http://edge-2:8800' }).mounts.map((m) => m.overflowRedirect))
      .toEqual(['http://edge-2:8800', 'http://edge-2:8800']);
    expect(fieldOf(() => parseServerConfig({ overflowRedirect: 'edge-2:8800' }))).toBe('overflowRedirect');
    // A duration limit per viewer, the same way.
    expect(parseServerConfig({ maxViewerSeconds: 3600, mounts: [{ path: '/a.webm' }, { path: '/b.webm', maxViewerSeconds: 60 },
      { path: '/c.webm', maxViewerSeconds: null }] }).mounts.map((m) => m.maxViewerSeconds)).toEqual([3600, 60, null]);
    expect(fieldOf(() => parseServerConfig({ maxViewerSeconds: 0 }))).toBe('maxViewerSeconds');
    expect(fieldOf(() => parseServerConfig({ mounts: [{ path: '/a.webm', maxViewerSeconds: 'long' }] }))).toBe('mounts[0].maxViewerSeconds');
    expect(fieldOf(() => parseServerConfig({ mounts: [{ path: '/a.webm', overflowRedirect: 'http://e/x' }] }))).toBe('mounts[0].overflowRedirect');
    expect(yaml.encoding.keyframeDistance).toBe(10);
    expect(yaml.slowViewers).toEqual({ policy: 'drop', lagBytes: 100_000, timeout: 5 });
  });

  it('names the field at fault', () => {
    expect(fieldOf(() => parseServerConfig({ port: 70000 }))).toBe('port');
    expect(fieldOf(() => parseServerConfig({ port: '80' }))).toBe('port');
    expect(fieldOf(() => parseServerConfig({ prot: 80 }))).toBe('prot');
    expect(fieldOf(() => parseServerConfig([]))).toBe('(config)');
    expect(fieldOf(() => parseServerConfig({ source: { width: 2 } }))).toBe('source.width');
    expect(fieldOf(() => parseServerConfig({ source: { type: 'camera' } }))).toBe('source.type');
    expect(fieldOf(() => parseServerConfig({ source: { type: 'ingest', password: 'short' } }))).toBe('source.password');
    expect(fieldOf(() => parseServerConfig({ source: { type: 'ingest', path: 'ingest' } }))).toBe('source.path');
    expect(parseServerConfig({ source: { type: 'ingest', password: 'long enough' } }).source)
      .toEqual({ type: 'ingest', width: 320, height: 240, framerate: 15, port: 8801, path: '/ingest', password: 'long enough',
        host: '127.0.0.1', feed: '/live.webm', identity: 'torsion', stallTimeout: 10, fallbacks: [] });
    // Stand-in upstreams for an edge: host, host:port, [v6]:port; the port defaults to source.port.
    expect(parseServerConfig({ source: { type: 'relay', host: '10.0.0.1', port: 9902, fallbacks: ['10.0.0.2', 'b.example:9903', '[fd00::3]:9904'] } })
      .source.fallbacks).toEqual([{ host: '10.0.0.2', port: 9902 }, { host: 'b.example', port: 9903 }, { host: 'fd00::3', port: 9904 }]);
    expect(fieldOf(() => parseServerConfig({ source: { type: 'relay', fallbacks: ['a:99999'] } }))).toBe('source.fallbacks[0]');
    expect(fieldOf(() => parseServerConfig({ source: { type: 'feed', fallbacks: ['ok', 'not a host'] } }))).toBe('source.fallbacks[1]');
    expect(fieldOf(() => parseServerConfig({ source: { type: 'relay', fallbacks: 'a' } }))).toBe('source.fallbacks');
    expect(fieldOf(() => parseServerConfig({ source: { fallbacks: ['a'] } }))).toBe('source.fallbacks');
    expect(parseServerConfig({ source: { type: 'ingest', stallTimeout: 0 } }).source.stallTimeout).toBe(0);
    expect(fieldOf(() => parseServerConfig({ source: { type: 'ingest', stallTimeout: -1 } }))).toBe('source.stallTimeout');
    expect(fieldOf(() => parseServerConfig({ source: { stallTimeout: 5 } }))).toBe('source.stallTimeout');
    // GDP feeds: an upstream source defaults to the feed port 8802; feed settings belong to feed/relay sources.
    expect(parseServerConfig({ source: { type: 'relay', host: '10.0.0.1', identity: 'edge-2' } }).source)
      .toMatchObject({ type: 'relay', port: 8802, host: '10.0.0.1', identity: 'edge-2' });
    expect(parseServerConfig({ feeds: { port: 9902 }, host: '0.0.0.0' }).feeds).toEqual({ port: 9902, host: '0.0.0.0' });
    expect(parseServerConfig({}).feeds).toBeNull();
    expect(fieldOf(() => parseServerConfig({ source: { type: 'feed', feed: 'live.webm' } }))).toBe('source.feed');
    expect(fieldOf(() => parseServerConfig({ source: { type: 'relay', identity: 'a@b' } }))).toBe('source.identity');
    expect(fieldOf(() => parseServerConfig({ source: { type: 'relay', port: 0 } }))).toBe('source.port');
    expect(fieldOf(() => parseServerConfig({ source: { identity: 'x' } }))).toBe('source.identity');
    expect(fieldOf(() => parseServerConfig({ feeds: { port: 1, secret: 'x' } }))).toBe('feeds.secret');
    expect(parseServerConfig({ recordings: [{ mount: '/live.webm', file: '/tmp/r.webm' }] }).recordings[0]?.retrySeconds).toBe(5);
    expect(parseServerConfig({}).shards).toBe(1);
    expect(parseServerConfig({ shards: 2 }).shards).toBe(2);
    expect(fieldOf(() => parseServerConfig({ shards: 0 }))).toBe('shards');
    expect(fieldOf(() => parseServerConfig({ recordings: [{ mount: '/live.webm', file: 'r', retrySeconds: 0 }] }))).toBe('recordings[0].retrySeconds');
    expect(fieldOf(() => parseServerConfig({ mounts: [] }))).toBe('mounts');
    expect(fieldOf(() => parseServerConfig({ mounts: [{ path: '/a.webm' }, { format: 'ogg' }] }))).toBe('mounts[1].path');
    expect(fieldOf(() => parseServerConfig({ mounts: [{ path: '/a.webm', video: 'theora' }] }))).toBe('mounts[0].video');
    expect(fieldOf(() => parseServerConfig({ mounts: [{ path: '/a', video: null, audio: null }] }))).toBe('mounts[0]');
    expect(fieldOf(() => parseServerConfig({ mounts: [{ path: '/stats' }] }))).toBe('mounts[0].path');
    expect(fieldOf(() => parseServerConfig({ mounts: [{ path: '/a.webm' }, { path: '/a.webm' }] }))).toBe('mounts[1].path');
    expect(fieldOf(() => parseServerConfig({ mounts: [{ path: '/a.webm', colour: 'red' }] }))).toBe('mounts[0].colour');
    expect(fieldOf(() => parseServerConfig({ recordings: [{ mount: '/nope.webm', file: 'x' }] }))).toBe('recordings[0].mount');
    expect(fieldOf(() => parseServerConfig({ recordings: [{ mount: '/live.webm' }] }))).toBe('recordings[0].file');
    expect(fieldOf(() => parseServerConfig({ tls: { port: 8443 } }))).toBe('tls.cert');
    expect(fieldOf(() => parseServerConfig({ recordings: [{ mount: '/live.webm', file: 'a.webm', rotateSeconds: 0 }] }))).toBe('recordings[0].rotateSeconds');
    expect(parseServerConfig({ recordings: [{ mount: '/live.webm', file: 'a.webm', rotateBytes: 1_000_000 }] }).recordings[0]?.rotateBytes).toBe(1_000_000);
    expect(parseServerConfig({ recordings: [{ mount: '/live.webm', file: 'a.webm' }] }).recordings[0]?.rotateBytes).toBeNull();
    expect(fieldOf(() => parseServerConfig({ recordings: [{ mount: '/live.webm', file: 'a.webm', rotateBytes: 1000 }] }))).toBe('recordings[0].rotateBytes');
    expect(fieldOf(() => parseServerConfig({ slowViewers: { policy: 'ignore' } }))).toBe('slowViewers.policy');
    expect(fieldOf(() => parseServerConfig({ maxBandwidth: 10 }))).toBe('maxBandwidth');
    expect(fieldOf(() => parseServerConfig({ expireViewers: 'yes' }))).toBe('expireViewers');
    expect(fieldOf(() => parseServerConfig({ burst: { seconds: 2, bytes: 1000 } }))).toBe('burst');
    expect(fieldOf(() => parseServerConfig({ burst: {} }))).toBe('burst');
    expect(fieldOf(() => parseServerConfig({ burst: { seconds: 600 } }))).toBe('burst.seconds');
    expect(parseServerConfig({ burst: { bytes: 65536 } }).burst).toEqual({ bytes: 65536 });
    expect(parseServerConfig({}).burst).toBeNull();
    expect(fieldOf(() => parseServerConfigText('port: [1', 'bad.yaml'))).toBe('bad.yaml');
  });
});
