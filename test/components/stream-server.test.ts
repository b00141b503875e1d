/**
 * StreamServer in-process on the real GLib reactor: the streamer goes waking → hungry → happy,
 * viewers get media, `stop()` closes them, and the process's fds return to their baseline (plus at
 * most the pipeline's 2 bus fds, which come back once the stopped server is collected).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { firstValueFrom, filter } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamServer, parseServerConfig, type Mood } from '../../src/components/index';
import { captureLogs, type LogCapture } from '../../src/log';
import { anchoredClock } from '../../src/protocols/index';
import { realTime, startLoop, stopLoop, within } from '../gst/helpers/loop';

const SECRET = 'in-process-secret-0123456789';
const openFds = (): number => readdirSync('/proc/self/fd').length;

function viewer(port: number, path: string, minBytes: number): Promise<{ socket: Socket; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let total = 0;
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.on('error', reject);
    socket.on('data', (c: Buffer) => {
      total += c.length;
      if (total >= minBytes) resolve({ socket, closed });
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  });
}

/** The status line the server answers `path` with (the connection is then closed). */
function statusLine(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('error', reject);
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      const end = text.indexOf('\r\n');
      if (end >= 0) { socket.destroy(); resolve(text.slice(0, end)); }
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  });
}

describe('StreamServer (in-process)', () => {
  let logs: LogCapture;
  beforeAll(async () => { logs = captureLogs(); await startLoop(); });
  afterAll(async () => { await stopLoop(); logs.restore(); });

  it('serves viewers (with a burst on connect), reports moods, and gives every fd back when stopped', async () => {
    const before = openFds();
    const config = parseServerConfig({ port: 0, source: { width: 160, height: 120, framerate: 10 }, mounts: [{ path: '/live.webm' }],
      burst: { seconds: 1 } });
    const server = await within(StreamServer.start({ config, reactor: realTime, secret: SECRET, wallClock: anchoredClock(realTime, Date.now() / 1000) }),
      20, 'start');
    const streamer = server.parts.streamers[0];
    if (streamer === undefined) throw new Error('no streamer');
    // The burst policy is on the real multifdsink (sync-method 4 = burst-keyframe).
    const pipeline = server.flow.pipeline;
    expect(pipeline?.getProperty(`${streamer.name}-sink`, 'sync-method')).toBe(4);
    expect(pipeline?.getProperty(`${streamer.name}-sink`, 'time-min')).toBe(6_000_000_000n);
    expect(pipeline?.getProperty(`${streamer.name}-sink`, 'burst-value')).toBe(1_000_000_000n);
    const moods: Mood[] = [];
    streamer.mood$.subscribe((m) => moods.push(m));
    await within(firstValueFrom(streamer.mood$.pipe(filter((m) => m === 'happy'))), 20, 'happy');
    const path = `/live.webm?token=${server.token(60, '/live.webm')}`;
    const viewers = await within(Promise.all([viewer(server.ports.http, path, 2000), viewer(server.ports.http, path, 2000)]), 20, 'viewers');
    expect(server.stats().mounts[0]).toMatchObject({ path: '/live.webm', viewers: 2, served: 2, mood: 'happy' });
    expect(server.flow.mood).toBe('happy');
    expect(openFds()).toBeGreaterThan(before + 2);

    await within(server.stop(), 20, 'stop');
    await within(Promise.all(viewers.map((v) => v.closed)), 10, 'viewers closed');
    expect(moods[moods.length - 1]).toBe('happy');
    expect(logs.records.some((r) => r.message === 'component mood' && r.fields['component'] === streamer.name && r.fields['to'] === 'hungry')).toBe(true);
    expect(logs.records.filter((r) => r.message === 'viewer left')).toHaveLength(2);
    // Everything but the pipeline's bus socket pair (still referenced by `server` here) is closed.
    expect(openFds()).toBeLessThanOrEqual(before + 2);
  }, 60_000);

  it('reload() changes viewer limits in place, reports what needs a restart, and refuses an invalid value without changing anything', async () => {
    const body = { port: 0, source: { width: 160, height: 120, framerate: 10 }, mounts: [{ path: '/live.webm', maxViewers: 1 }] };
    const config = parseServerConfig(body);
    const server = await within(StreamServer.start({ config, reactor: realTime, secret: SECRET, wallClock: anchoredClock(realTime, Date.now() / 1000) }),
      20, 'start');
    try {
      const streamer = server.parts.streamers[0];
      if (streamer === undefined) throw new Error('no streamer');
      await within(firstValueFrom(streamer.mood$.pipe(filter((m) => m === 'happy'))), 20, 'happy');
      const path = `/live.webm?token=${server.token(60, '/live.webm')}`;
      const first = await within(viewer(server.ports.http, path, 2000), 20, 'first viewer');
      expect(await statusLine(server.ports.http, path)).toMatch(/^HTTP\/1\.[01] 503/);

      // A larger maxViewers applies at once; a new frame rate (the source) waits for a restart.
      const next = parseServerConfig({ ...body, source: { ...body.source, framerate: 15 }, mounts: [{ path: '/live.webm', maxViewers: 2, maxViewerSeconds: 30 }],
        maxBandwidth: 50_000_000 });
      const done = await within(server.reload(next), 5, 'reload');
      expect(done).toEqual({ applied: ['mounts[0].maxViewers', 'mounts[0].maxViewerSeconds', 'maxBandwidth'], needRestart: ['source', 'encoding'], passwords: null }); // the default keyframe distance follows the frame rate
      expect(server.config.source.framerate).toBe(10);
      expect(server.config.mounts[0]?.maxViewers).toBe(2);
      expect(server.stats().mounts[0]?.maxViewers).toBe(2);
      expect(streamer.limits).toEqual({ maxViewers: 2, overflowRedirect: null, maxViewerSeconds: 30 });
      const second = await within(viewer(server.ports.http, path, 2000), 20, 'second viewer');
      expect(await statusLine(server.ports.http, path)).toMatch(/^HTTP\/1\.[01] 503/);
      expect(logs.records.some((r) => r.message === 'config reloaded; some changes need a restart')).toBe(true);

      // A value no config file would pass (built in code): refused, naming the mount; nothing changes.
      const bad = { ...next, maxBandwidth: null, mounts: [{ ...next.mounts[0], maxViewers: 5, maxViewerSeconds: -1 } as (typeof next.mounts)[number]] };
      const refused = await within(server.reload(bad).asPromise().then(() => null, (e: unknown) => e), 5, 'refused reload');
      expect(refused).toMatchObject({ code: 'TORSION_ERR_CONFIG', field: 'mounts[0]' });
      expect(streamer.limits).toEqual({ maxViewers: 2, overflowRedirect: null, maxViewerSeconds: 30 });
      expect(server.config.maxBandwidth).toBe(50_000_000);
      expect(logs.records.some((r) => r.message === 'config reload failed: the running settings stay')).toBe(true);

      // A different set of mounts needs a restart; the limits of the running ones stay.
      const more = await within(server.reload(parseServerConfig({ ...body, mounts: [{ path: '/live.webm' }, { path: '/live.ogg' }] })), 5, 'reload mounts');
      expect(more.needRestart).toEqual(['mounts']);
      expect(more.applied).toEqual(['maxBandwidth']);
      expect(streamer.maxViewers).toBe(2);
      for (const v of [first, second]) v.socket.destroy();
    } finally {
      await within(server.stop(), 20, 'stop');
    }
  }, 60_000);

  it('fails to start when the TLS port is taken, and releases the HTTP port, the pipeline and every fd', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'torsion-ss-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=x'],
      { stdio: 'ignore' });
    const blocker = createServer();
    const taken = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as AddressInfo).port)));
    const httpPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => { const p = (probe.address() as AddressInfo).port; probe.close(() => resolve(p)); });
    });
    const before = openFds();
    try {
      const config = parseServerConfig({ port: httpPort, tls: { port: taken, cert, key }, source: { width: 160, height: 120, framerate: 10 },
        mounts: [{ path: '/live.webm' }] });
      const started = StreamServer.start({ config, reactor: realTime, secret: SECRET, wallClock: anchoredClock(realTime, Date.now() / 1000) });
      await expect(within(started, 20, 'start')).rejects.toMatchObject({ code: 'TORSION_ERR_CANNOT_LISTEN' });
      // The HTTP port it did bind is free again.
      await within(new Promise<void>((resolve, reject) => {
        const again = createServer();
        again.once('error', reject);
        again.listen(httpPort, '127.0.0.1', () => again.close(() => resolve()));
      }), 10, 'rebind');
      expect(openFds()).toBeLessThanOrEqual(before + 2);
    } finally {
      blocker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
