/**
 * FdSink variants: multisocketsink (GSocket clients, closed on `client-socket-removed`), a sharded
 * sink (tee + N multifdsinks) spreading clients and streaming decodable WebM from every shard, and
 * clients handed over by real reactor TCP transports (`detach()`). Also: importing torsion/gst
 * does not load node-gtk.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deferred } from '../../src/defer/deferred';
import type { Failure } from '../../src/defer/failure';
import { FdSink } from '../../src/gst/fd-sink';
import { Pipeline } from '../../src/gst/pipeline';
import { shardedSinkLaunch } from '../../src/gst/sharding';
import type { SinkClient } from '../../src/gst/sink-client';
import type { Transport } from '../../src/reactor/interfaces/transport';
import { decodeFrames, EBML_MAGIC } from './helpers/decode';
import { realTime as reactor, startLoop, stopLoop, within } from './helpers/loop';
import { fdCount, FdServer, VANISHED, Viewer } from './helpers/net';
import { webm } from './helpers/streams';
import { connect } from 'node:net';

let server: FdServer;
beforeAll(async () => { await startLoop(); server = new FdServer('tcp'); await server.ready; });
afterAll(async () => { await server.close(); await stopLoop(); });

describe('FdSink variants', () => {
  it('multisocketsink: GSocket clients stream, and are closed when removed', async () => {
    const p = Pipeline.launch(webm('multisocketsink name=sink sync=false'), { reactor });
    const base = fdCount();
    const sink = FdSink.attach(p, 'sink', { syncMethod: 'latest-keyframe' });
    await within(p.setState('playing'), 10);
    const a = await server.connect();
    const b = await server.connect();
    const ca = sink.addClient(a.fd);
    const cb = sink.addClient(b.fd);
    expect([await ca.added, await cb.added]).toEqual([true, true]);
    expect(sink.addClient(a.fd).done.result).toMatchObject({ reason: 'duplicate' });
    await within(Promise.all([a.viewer.received(3000), b.viewer.received(3000)]), 15);
    a.viewer.socket.destroy();
    cb.remove();
    const [ra, rb] = await within(Promise.all([ca.done, cb.done]), 10);
    expect(VANISHED).toContain(ra.reason);
    expect(rb.reason).toBe('removed');
    await within(b.viewer.closed, 5);
    expect(b.viewer.data().subarray(0, 4)).toEqual(EBML_MAGIC);
    expect((await decodeFrames(b.viewer.data(), 'webm')).frames).toBeGreaterThanOrEqual(3);
    await within(p.dispose(), 10);
    expect(fdCount()).toBeLessThanOrEqual(base);
  });

  it('sharded: clients are spread over the multifdsinks behind a tee and all decode', async () => {
    const p = Pipeline.launch(webm(shardedSinkLaunch('sink', 3)), { reactor });
    const base = fdCount();
    const sink = FdSink.attach(p, 'sink', { syncMethod: 'latest-keyframe' });
    expect(sink.shardCount).toBe(3);
    await within(p.setState('playing'), 10);
    const viewers = await Promise.all([0, 1, 2, 3, 4, 5].map(() => server.connect()));
    const clients = viewers.map((v) => sink.addClient(v.fd));
    for (const shard of ['sink-0', 'sink-1', 'sink-2']) expect(p.getProperty(shard, 'num-handles')).toBe(2);
    await within(Promise.all(viewers.map((v) => v.viewer.received(3000))), 15);
    expect(sink.stats().bytesServed).toBeGreaterThanOrEqual(18000n);
    for (const v of viewers.slice(0, 3)) {
      const decoded = await decodeFrames(v.viewer.data(), 'webm');
      expect(decoded.frames).toBeGreaterThanOrEqual(3);
    }
    await within(p.dispose(), 10);
    expect((await within(Promise.all(clients.map((c) => c.done)), 5)).every((r) => r.reason === 'removed')).toBe(true);
    await within(Promise.all(viewers.map((v) => v.viewer.closed)), 5);
    expect(fdCount()).toBeLessThanOrEqual(base);
  });

  it('real reactor TCP transports are detached and handed over after a request/response', async () => {
    const p = Pipeline.launch(webm(), { reactor });
    const sink = FdSink.attach(p, 'sink', { syncMethod: 'latest-keyframe' });
    await within(p.setState('playing'), 10);
    const handedOff = new Deferred<SinkClient>();
    const port = await within(reactor.listenTCP(0, {
      buildProtocol: () => {
        let transport: Transport | null = null;
        return {
          makeConnection(t: Transport): void { transport = t; },
          dataReceived(data: Uint8Array): void {
            if (transport === null || !Buffer.from(data).toString().includes('\n')) return;
            transport.write('OK\n');
            handedOff.callback(sink.addClient(transport));
          },
          connectionLost(_reason: Failure): void { /* reported through SinkClient.done */ },
        };
      },
    }, { interface: '127.0.0.1' }), 5);
    const viewer = new Viewer(connect((port.getHost() as { port: number }).port, '127.0.0.1'));
    viewer.socket.write('GET /stream\n');
    const c = await within(handedOff, 5);
    expect(await within(c.added, 5)).toBe(true);
    await within(viewer.received(4000), 15);
    const data = viewer.data();
    expect(data.subarray(0, 3).toString()).toBe('OK\n');
    expect(data.subarray(3, 7)).toEqual(EBML_MAGIC);
    viewer.socket.destroy();
    expect(VANISHED).toContain((await within(c.done, 10)).reason);
    expect((await decodeFrames(data.subarray(3), 'webm')).frames).toBeGreaterThanOrEqual(5);
    await within(port.stopListening(), 5);
    await within(p.dispose(), 10);
  });

  it('importing torsion/gst loads neither node-gtk nor GStreamer', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const script = `
      const { createRequire } = await import('node:module');
      const gst = await import('./src/gst/index.ts');
      const cache = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('node-gtk'));
      console.log(JSON.stringify({ cache, loaded: gst.isGstLoaded(), hasPipeline: typeof gst.Pipeline }));`;
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 20_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    });
    expect(JSON.parse(out.trim())).toEqual({ cache: [], loaded: false, hasPipeline: 'function' });
  });
});
