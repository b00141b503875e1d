/**
 * A pipeline element that fails mid-stream, in-process on the real GLib reactor: the stream
 * server's test source is replaced by one whose video passes an `identity error-after=N`, so an
 * element error arrives while viewers are streaming. The flow turns sad, the streaming viewers get
 * a clean close (FIN, not a reset or a hang), the flow restarts with backoff (`restarting the
 * flow`, attempt 1), a new viewer is served by the restarted pipeline, and stop() still works.
 * A source that fails at once, again and again, is restarted past the ten attempts the policy
 * used to allow, and the failed runs' pipelines are collected with their fds.
 */
import { connect, type Socket } from 'node:net';
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Flow, StreamServer, parseServerConfig } from '../../src/components/index';
import { serverComponents } from '../../src/components/server-flow';
import { TestSource } from '../../src/components/test-source';
import { captureLogs, type LogCapture } from '../../src/log';
import { anchoredClock } from '../../src/protocols/index';
import { realTime, startLoop, stopLoop, within } from '../gst/helpers/loop';

const SECRET = 'element-error-secret-0123456789';
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const openFds = (): number => readdirSync('/proc/self/fd').length;

/** Resolves on a later turn of the loop, `seconds` from now. */
function pause(seconds: number): Promise<void> {
  return within(new Promise<void>((r) => { realTime.callLater(seconds, r); }), seconds + 2, 'pause');
}

/** The test source, with an element that posts an error after `after` video frames. */
class FailingSource extends TestSource {
  constructor(name: string, private readonly after: number) {
    super(name, { width: 160, height: 120, framerate: 10 });
  }

  override fragment(): string {
    return super.fragment().replace(' ! video/x-raw', ` ! identity name=${this.name}-fail error-after=${this.after} ! video/x-raw`);
  }
}

interface Viewer { socket: Socket; bytes: () => number; ended: Promise<'fin' | 'error'> }

function viewer(port: number, path: string, minBytes: number): Promise<Viewer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let total = 0;
    let done = false;
    const ended = new Promise<'fin' | 'error'>((r) => { socket.on('end', () => r('fin')); socket.on('error', () => r('error')); });
    socket.on('error', (e) => { if (!done) reject(e); });
    socket.on('close', () => { if (!done) reject(new Error(`closed after ${total} bytes`)); });
    socket.on('data', (c: Buffer) => {
      total += c.length;
      if (!done && total >= minBytes) { done = true; resolve({ socket, bytes: () => total, ended }); }
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  });
}

describe('an element error mid-stream', () => {
  let logs: LogCapture;
  beforeAll(async () => { logs = captureLogs(); await startLoop(); });
  afterAll(async () => { await stopLoop(); logs.restore(); });

  it('turns the flow sad, closes viewers cleanly, restarts with backoff and serves again', async () => {
    const config = parseServerConfig({ port: 0, source: { width: 160, height: 120, framerate: 10 }, mounts: [{ path: '/live.webm' }] });
    const parts = serverComponents(config);
    const components = parts.all.map((c) => (c instanceof TestSource ? new FailingSource(c.name, 60) : c));
    const server = await within(StreamServer.start({ config, reactor: realTime, secret: SECRET, wallClock: anchoredClock(realTime, Date.now() / 1000), components }),
      20, 'start');
    const path = `/live.webm?token=${server.token(600, '/live.webm')}`;
    try {
      // Viewers join while the first run streams (60 frames at 10/s: about 6 s before the error).
      const viewers = await within(Promise.all([0, 1, 2].map(() => viewer(server.ports.http, path, 1000))), 20, 'viewers');
      const ends = await within(Promise.all(viewers.map((v) => v.ended)), 30, 'viewers closed after the element error');
      expect(ends).toEqual(['fin', 'fin', 'fin']);
      expect(logs.records.some((r) => r.message === 'pipeline error')).toBe(true);
      expect(logs.records.some((r) => r.message === 'component mood' && r.fields['to'] === 'sad')).toBe(true);
      // Restarted with backoff, then a new viewer is served by the new pipeline.
      await within(new Promise<void>((resolve) => {
        const check = (): void => {
          if (logs.records.some((r) => r.message === 'restarting the flow' && r.fields['attempt'] === 1)) resolve();
          else realTime.callLater(0.1, check);
        };
        check();
      }), 20, 'restart');
      const restart = logs.records.find((r) => r.message === 'restarting the flow');
      expect(Number(restart?.fields['delaySeconds'])).toBeGreaterThan(0);
      let served: Viewer | null = null;
      for (let i = 0; i < 30 && served === null; i++) {
        served = await within(viewer(server.ports.http, path, 1000), 10, 'a viewer after the restart').catch(() => null);
        if (served === null) await within(new Promise<void>((r) => { realTime.callLater(0.5, r); }), 2, 'pause');
      }
      expect(served).not.toBeNull();
      served?.socket.destroy();
      for (const v of viewers) v.socket.destroy();
    } finally {
      await within(server.stop(), 20, 'stop');
    }
  }, 90_000);

  it('restarts a source that keeps failing past ten attempts; the failed runs leave no fd behind', async () => {
    const base = openFds();
    const flow = new Flow([new FailingSource('src', 2)], { restart: { initialDelay: 0.05, maxDelay: 0.1, stableAfter: 60 } });
    flow.start(realTime).addErrback(() => null);
    for (let i = 0; i < 400 && flow.starts < 15; i++) await pause(0.05);
    expect(flow.starts).toBeGreaterThanOrEqual(15);
    expect(logs.records.some((r) => r.message === 'flow failed too often: not restarting it')).toBe(false);
    await within(flow.stop(), 10, 'stop');
    // Each run's pipeline held its bus's 2 fds until collected; only the last is still referenced.
    for (let i = 0; i < 100 && openFds() > base + 2; i++) {
      gc();
      await pause(0.05);
    }
    expect(openFds()).toBeLessThanOrEqual(base + 2);
  }, 60_000);
});
