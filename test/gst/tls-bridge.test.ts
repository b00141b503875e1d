/**
 * TLS viewers through the socket-pair bridge (PITFALLS 19): Node TLS sockets and Torsion TLS
 * transports get a WebM stream that starts with the header and decodes; the byte count is exact;
 * a TLS viewer that stops reading is dropped by multifdsink's own slow-client policy (so
 * backpressure crossed the bridge); a client gone before the bridge is ready ends as `closed`.
 */
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deferred } from '../../src/defer/deferred';
import type { Failure } from '../../src/defer/failure';
import { FdSink } from '../../src/gst/fd-sink';
import { Pipeline } from '../../src/gst/pipeline';
import type { SinkClient } from '../../src/gst/sink-client';
import type { Protocol } from '../../src/reactor/interfaces/protocol';
import type { Transport } from '../../src/reactor/interfaces/transport';
import { decodeFrames, EBML_MAGIC } from './helpers/decode';
import { realTime as reactor, startLoop, stopLoop, within } from './helpers/loop';
import { fdCount, Viewer } from './helpers/net';
import { webm } from './helpers/streams';
import { makeCertificate, TlsServer, type Certificate } from './helpers/tls';

const FAST = 'audiotestsrc is-live=true wave=silence samplesperbuffer=4800 ! audio/x-raw,rate=48000,channels=8,format=S32LE ! multifdsink name=sink sync=false';

let cert: Certificate;
let server: TlsServer;
beforeAll(async () => { cert = makeCertificate(); await startLoop(); server = new TlsServer(cert); await server.ready; });
afterAll(async () => { await server.close(); await stopLoop(); });

describe('TLS bridge', () => {
  it('Node TLS viewers, early and late, get a decodable WebM stream; bytesSent is exact', async () => {
    const p = Pipeline.launch(webm(), { reactor });
    const base = fdCount();
    const sink = FdSink.attach(p, 'sink', { syncMethod: 'latest-keyframe' });
    await within(p.setState('playing'), 10);
    const early = await server.connect();
    const a = sink.addClient(early.server);
    expect(a.state).toBe('detaching');
    expect(await within(a.added, 5)).toBe(true);
    await within(early.viewer.received(4000), 15);
    const late = await server.connect();
    const b = sink.addClient(late.server);
    await within(late.viewer.received(4000), 15);
    a.remove();
    b.remove();
    const [ra, rb] = await within(Promise.all([a.done, b.done]), 10);
    await within(Promise.all([early.viewer.closed, late.viewer.closed]), 10, 'viewers closed');
    expect([ra.reason, rb.reason]).toEqual(['removed', 'removed']);
    expect(ra.bytesSentExact).toBe(true);
    expect(ra.bytesSent).toBe(BigInt(early.viewer.bytes));
    expect(rb.bytesSent).toBe(BigInt(late.viewer.bytes));
    for (const v of [early.viewer, late.viewer]) {
      expect(v.data().subarray(0, 4)).toEqual(EBML_MAGIC);
      const decoded = await decodeFrames(v.data(), 'webm');
      expect(decoded.frames, decoded.output.slice(-400)).toBeGreaterThanOrEqual(5);
    }
    await within(p.dispose(), 10);
    expect(fdCount()).toBeLessThanOrEqual(base);
  });

  it('a TLS viewer that stops reading is dropped as slow by the sink; a reading one is not', async () => {
    const p = Pipeline.launch(FAST, { reactor });
    const base = fdCount();
    const sink = FdSink.attach(p, 'sink', { limits: { format: 'buffers', hardMax: 10 } });
    await within(p.setState('playing'), 10);
    const healthy = await server.connect();
    const stalled = await server.connect();
    const ok = sink.addClient(healthy.server);
    const slow = sink.addClient(stalled.server);
    stalled.viewer.socket.pause();
    const r = await within(slow.done, 20, 'slow TLS client dropped');
    expect(r.reason).toBe('slow');
    expect(ok.state).toBe('sink-owned');
    // The sink dropped it: the bridge closed the TLS connection (the paused viewer reads the EOF).
    stalled.viewer.socket.resume();
    await within(stalled.viewer.closed, 10, 'stalled viewer closed');
    await within(healthy.viewer.received(1_000_000), 10, 'healthy viewer data');
    await within(p.dispose(), 10);
    expect((await within(ok.done, 10, 'healthy done')).reason).toBe('removed');
    await within(healthy.viewer.closed, 10, 'healthy viewer closed');
    expect(fdCount()).toBeLessThanOrEqual(base);
  });

  it('a client gone before the bridge is ready ends as closed', async () => {
    const p = Pipeline.launch(FAST, { reactor });
    const sink = FdSink.attach(p, 'sink');
    await within(p.setState('playing'), 10);
    const { viewer, server: sock } = await server.connect();
    sock.destroy();
    const c = sink.addClient(sock);
    const r = await within(c.done, 5);
    expect(r.reason).toBe('closed');
    await within(viewer.closed, 5);
    await within(p.dispose(), 10);
  });

  it('Torsion TLS transports (listenTLS) are bridged: detach is not supported, the bridge is used', async () => {
    const p = Pipeline.launch(webm(), { reactor });
    const sink = FdSink.attach(p, 'sink', { syncMethod: 'latest-keyframe' });
    await within(p.setState('playing'), 10);
    const clients: SinkClient[] = [];
    const handedOff = new Deferred<SinkClient>();
    const protocol = (): Protocol => ({
      makeConnection(transport: Transport): void { const c = sink.addClient(transport); clients.push(c); handedOff.callback(c); },
      dataReceived(): void { /* discarded after the hand-off */ },
      connectionLost(_reason: Failure): void { /* reported through SinkClient.done */ },
    });
    const port = await within(reactor.listenTLS(0, { buildProtocol: protocol }, { key: cert.key, cert: cert.cert }, { interface: '127.0.0.1' }), 5);
    const address = port.getHost() as { port: number };
    const viewer = new Viewer(tlsConnect({ port: address.port, host: '127.0.0.1', rejectUnauthorized: false }));
    const c = await within(handedOff, 5);
    expect(await within(c.added, 5)).toBe(true);
    await within(viewer.received(4000), 15);
    viewer.socket.destroy();
    const r = await within(c.done, 10);
    expect(r.reason).toBe('closed');
    expect(r.bytesSentExact).toBe(true);
    expect(r.bytesSent).toBeGreaterThanOrEqual(4000n);
    const decoded = await decodeFrames(viewer.data(), 'webm');
    expect(decoded.frames).toBeGreaterThanOrEqual(5);
    await within(port.stopListening(), 5);
    await within(p.dispose(), 10);
  });
});
