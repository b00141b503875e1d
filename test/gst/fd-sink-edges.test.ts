/**
 * The failure edges of the fd ownership states (ARCHITECTURE.md, PITFALLS 10–11): adding while
 * NULL, duplicate adds (caught by the registry and by the sink itself), invalid burst limits, a
 * client gone during asynchronous auth (detach failing, peer closing before the hand-off, removal
 * while detaching, pipeline disposed while detaching), and pipelines stopped or disposed with 100
 * clients attached. Each checks who closed which fd and that fds return to the baseline.
 */
import { fstatSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionLost } from '../../src/errors';
import { FdSink } from '../../src/gst/fd-sink';
import { SinkAddError } from '../../src/gst/errors';
import { Pipeline } from '../../src/gst/pipeline';
import { realTime as reactor, startLoop, stopLoop, within } from './helpers/loop';
import { fdCount, FdServer, VANISHED } from './helpers/net';
import { detachable, manualDetachable } from './helpers/streams';

const LAUNCH = 'audiotestsrc is-live=true samplesperbuffer=800 ! audio/x-raw,rate=8000,channels=1,format=S16LE ! multifdsink name=sink sync=false';

let server: FdServer;
beforeAll(async () => { await startLoop(); server = new FdServer('tcp'); await server.ready; });
afterAll(async () => { await server.close(); stopLoop(); });

function isOpen(fd: number): boolean {
  try { fstatSync(fd); return true; } catch { return false; }
}

function failureOf(error: unknown): string | undefined {
  return error instanceof SinkAddError ? error.failure : undefined;
}

async function playing(): Promise<{ p: Pipeline; sink: FdSink; base: number }> {
  const p = Pipeline.launch(LAUNCH, { reactor });
  const base = fdCount();
  const sink = FdSink.attach(p, 'sink');
  await within(p.setState('playing'), 10);
  return { p, sink, base };
}

describe('FdSink failure edges', () => {
  it('adding while NULL: a raw fd is closed, a transport is never detached', async () => {
    const p = Pipeline.launch(LAUNCH, { reactor });
    const base = fdCount();
    const sink = FdSink.attach(p, 'sink');
    const raw = await server.connect();
    const viaTransport = await server.connectSocket();
    const transport = detachable(viaTransport.server);
    const a = sink.addClient(raw.fd);
    const b = sink.addClient(transport);
    const [ra, rb] = await within(Promise.all([a.done, b.done]), 5);
    expect([ra.reason, rb.reason]).toEqual(['rejected', 'rejected']);
    expect([failureOf(ra.error), failureOf(rb.error)]).toEqual(['not-ready', 'not-ready']);
    expect(await a.added).toBe(false);
    expect(transport.detached).toBe(false);
    expect(viaTransport.server.destroyed).toBe(false);
    await within(raw.viewer.closed, 5, 'raw viewer sees EOF');
    viaTransport.server.destroy();
    viaTransport.viewer.socket.destroy();
    await within(viaTransport.viewer.closed, 5);
    await within(p.dispose(), 10);
    expect(fdCount()).toBeLessThanOrEqual(base);
  });

  it('a duplicate fd ends the new client as duplicate and leaves the live one streaming', async () => {
    const { p, sink, base } = await playing();
    const { viewer, fd } = await server.connect();
    const first = sink.addClient(fd);
    await within(viewer.received(100), 5);
    const again = sink.addClient(fd);
    const r = await within(again.done, 5);
    expect(r.reason).toBe('duplicate');
    expect(isOpen(fd)).toBe(true);
    expect(first.state).toBe('sink-owned');
    const before = viewer.bytes;
    await within(viewer.received(before + 1000), 5, 'first client keeps streaming');

    // A second registry on the same element does not know the fd: the sink itself reports DUPLICATE.
    const other = FdSink.attach(p, 'sink');
    const viaSink = other.addClient(fd);
    expect((await within(viaSink.done, 5)).reason).toBe('duplicate');
    expect(isOpen(fd)).toBe(true);
    expect(first.state).toBe('sink-owned');

    viewer.socket.destroy();
    expect(VANISHED).toContain((await within(first.done, 5)).reason);
    expect(isOpen(fd)).toBe(false);
    await within(p.dispose(), 10);
    expect(fdCount()).toBeLessThanOrEqual(base);
  });

  it('invalid burst limits are refused before GStreamer sees them; the transport stays ours', async () => {
    const { p, sink, base } = await playing();
    const { viewer, server: sock } = await server.connectSocket();
    const transport = detachable(sock);
    const c = sink.addClient(transport, {
      syncMethod: 'burst', burstMin: { format: 'bytes', value: 5000 }, burstMax: { format: 'bytes', value: 100 },
    });
    const r = await within(c.done, 5);
    expect(r.reason).toBe('rejected');
    expect(failureOf(r.error)).toBe('invalid-options');
    expect(transport.detached).toBe(false);
    // Still usable by the protocol (e.g. for an error response).
    sock.write('HTTP/1.0 400 Bad Request\r\n\r\n');
    await within(viewer.received(10), 5);
    sock.destroy();
    viewer.socket.destroy();
    await within(viewer.closed, 5);
    const ok = await server.connect();
    const good = sink.addClient(ok.fd, { syncMethod: 'burst', burstMin: { format: 'bytes', value: 100 }, burstMax: { format: 'bytes', value: 5000 } });
    expect(await good.added).toBe(true);
    await within(ok.viewer.received(100), 5);
    await within(p.dispose(), 10);
    expect((await within(good.done, 5)).reason).toBe('removed');
    await within(ok.viewer.closed, 5);
    expect(fdCount()).toBeLessThanOrEqual(base);
  });

  it('client gone during async auth: detach fails, or the peer closes before the hand-off', async () => {
    const { p, sink, base } = await playing();
    const failing = manualDetachable();
    const a = sink.addClient(failing);
    failing.pending.errback(new ConnectionLost('peer reset during auth'));
    const ra = await within(a.done, 5);
    expect(ra.reason).toBe('closed');
    expect(failureOf(ra.error)).toBe('detach-failed');

    const { viewer, server: sock } = await server.connectSocket();
    const late = manualDetachable();
    const b = sink.addClient(late);
    viewer.socket.destroy();
    await within(viewer.closed, 5);
    const fd = (await import('../../src/gst/fd-util')).stealSocketFd(sock);
    late.pending.callback({ fd, leftover: new Uint8Array(0) });
    const rb = await within(b.done, 5);
    expect(VANISHED).toContain(rb.reason);
    expect(isOpen(fd)).toBe(false);
    await within(p.dispose(), 10);
    expect(fdCount()).toBeLessThanOrEqual(base);
  });

  it('removed, or pipeline disposed, while detaching: the fd is closed when it arrives', async () => {
    const { p, sink, base } = await playing();
    const one = await server.connect();
    const t1 = manualDetachable();
    const a = sink.addClient(t1);
    a.remove();
    t1.pending.callback({ fd: one.fd, leftover: new Uint8Array(0) });
    const ra = await within(a.done, 5);
    expect(ra.reason).toBe('removed');
    expect(failureOf(ra.error)).toBe('cancelled');
    await within(one.viewer.closed, 5);

    const two = await server.connect();
    const t2 = manualDetachable();
    const b = sink.addClient(t2);
    await within(p.dispose(), 10);
    t2.pending.callback({ fd: two.fd, leftover: new Uint8Array(0) });
    const rb = await within(b.done, 5);
    expect(rb.reason).toBe('rejected');
    expect(failureOf(rb.error)).toBe('disposed');
    await within(two.viewer.closed, 5);
    expect(sink.addClient(detachable(two.viewer.socket)).state).toBe('released');
    expect(fdCount()).toBeLessThanOrEqual(base);
  });

  it('stopping to NULL with clients attached removes them; the sink works again after PLAYING', async () => {
    const { p, sink, base } = await playing();
    const viewers = await Promise.all([server.connect(), server.connect()]);
    const clients = viewers.map((v) => sink.addClient(v.fd));
    await within(Promise.all(viewers.map((v) => v.viewer.received(100))), 5);
    expect(await within(p.setState('null'), 10)).toBe('null');
    const results = await within(Promise.all(clients.map((c) => c.done)), 5);
    expect(results.map((r) => r.reason)).toEqual(['removed', 'removed']);
    await within(Promise.all(viewers.map((v) => v.viewer.closed)), 5);
    await within(p.setState('playing'), 10);
    const again = await server.connect();
    const c = sink.addClient(again.fd);
    await within(again.viewer.received(100), 5);
    again.viewer.socket.destroy();
    expect(VANISHED).toContain((await within(c.done, 5)).reason);
    await within(p.dispose(), 10);
    expect(fdCount()).toBeLessThanOrEqual(base);
  });

  it('disposing with 100 clients attached: all removed, all viewers see EOF, no fd leak, no hang', async () => {
    const { p, sink, base } = await playing();
    const viewers = [];
    for (let i = 0; i < 100; i++) viewers.push(await server.connect());
    const clients = viewers.map((v) => sink.addClient(v.fd));
    expect(sink.stats().handles).toBe(100);
    await within(Promise.all(viewers.map((v) => v.viewer.received(50))), 10, 'all viewers streaming');
    // Some disconnect right before the teardown, racing the sink thread's client-removed (PITFALLS 6).
    for (const v of viewers.slice(0, 20)) v.viewer.socket.destroy();
    await within(p.dispose(), 10, 'dispose');
    const results = await within(Promise.all(clients.map((c) => c.done)), 5);
    expect(results.every((r) => r.reason === 'removed' || r.reason === 'closed')).toBe(true);
    expect(results.filter((r) => r.reason === 'removed').length).toBeGreaterThanOrEqual(80);
    await within(Promise.all(viewers.map((v) => v.viewer.closed)), 10, 'viewers see EOF');
    expect(sink.size).toBe(0);
    expect(fdCount()).toBeLessThanOrEqual(base);
  });
});
