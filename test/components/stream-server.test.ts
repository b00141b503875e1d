/**
 * StreamServer in-process on the real GLib reactor: the streamer goes waking → hungry → happy,
 * viewers get media, `stop()` closes them, and the process's fds return to their baseline (plus
 * the 2 bus fds node-gtk never frees per pipeline; docs/gst.md).
 */
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
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

describe('StreamServer (in-process)', () => {
  let logs: LogCapture;
  beforeAll(async () => { logs = captureLogs(); await startLoop(); });
  afterAll(async () => { await stopLoop(); logs.restore(); });

  it('serves viewers, reports moods, and gives every fd back when stopped', async () => {
    const before = openFds();
    const config = parseServerConfig({ port: 0, source: { width: 160, height: 120, framerate: 10 }, mounts: [{ path: '/live.webm' }] });
    const server = await within(StreamServer.start({ config, reactor: realTime, secret: SECRET, wallClock: anchoredClock(realTime, Date.now() / 1000) }),
      20, 'start');
    const streamer = server.parts.streamers[0];
    if (streamer === undefined) throw new Error('no streamer');
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
    // The pipeline's bus socket pair is never freed by node-gtk (docs/gst.md); everything else is.
    expect(openFds()).toBe(before + 2);
  }, 60_000);
});
