/**
 * FdSink with `addBatchSeconds` (PITFALLS 17): hand-offs are queued and added in one burst, all to
 * one shard; a client removed while queued ends `removed` with its fd closed and the sink never
 * sees it; a pipeline disposed or stopped with clients still queued ends them and leaves no fd (and
 * after a restart new hand-offs are added again); bad values are refused at attach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GstOptionsError } from '../../src/gst/errors';
import { FdSink } from '../../src/gst/fd-sink';
import { Pipeline } from '../../src/gst/pipeline';
import { shardedSinkLaunch } from '../../src/gst/sharding';
import { realTime as reactor, startLoop, stopLoop, within } from './helpers/loop';
import { fdCount, FdServer, VANISHED } from './helpers/net';

let server: FdServer;
beforeAll(async () => { await startLoop(); server = new FdServer('tcp'); await server.ready; });
afterAll(async () => { await server.close(); await stopLoop(); });

/** 8000 B/s of raw audio in 20 buffers/s (as in bench/fanout). */
function audio(sink: string): string {
  return `audiotestsrc is-live=true samplesperbuffer=400 wave=white-noise ! audio/x-raw,rate=8000,channels=1,format=S8 ! ${sink}`;
}

describe('FdSink add batching', () => {
  it('queues hand-offs and adds each batch to one shard; every client streams', async () => {
    const p = Pipeline.launch(audio(shardedSinkLaunch('sink', 2)), { reactor });
    const base = fdCount();
    const sink = FdSink.attach(p, 'sink', { syncMethod: 'latest', addBatchSeconds: 0.05 });
    await within(p.setState('playing'), 10);
    const first = await Promise.all([0, 1, 2].map(() => server.connect()));
    const a = first.map((v) => sink.addClient(v.fd));
    expect(a.map((c) => c.state)).toEqual(['sink-owned', 'sink-owned', 'sink-owned']);
    expect(a.some((c) => c.added.called)).toBe(false);
    expect(sink.stats().handles).toBe(0);
    expect(await within(Promise.all(a.map((c) => c.added)), 5)).toEqual([true, true, true]);
    const handles = (): number[] => [p.getProperty('sink-0', 'num-handles') as number, p.getProperty('sink-1', 'num-handles') as number];
    expect(handles().sort()).toEqual([0, 3]);
    // The next batch goes to the least loaded shard.
    const second = await Promise.all([0, 1].map(() => server.connect()));
    const b = second.map((v) => sink.addClient(v.fd));
    expect(await within(Promise.all(b.map((c) => c.added)), 5)).toEqual([true, true]);
    expect(handles().sort()).toEqual([2, 3]);
    await within(Promise.all([...first, ...second].map((v) => v.viewer.received(2000))), 10, 'every viewer streams');
    await within(p.dispose(), 10);
    const results = await within(Promise.all([...a, ...b].map((c) => c.done)), 5);
    expect(results.every((r) => r.reason === 'removed')).toBe(true);
    await within(Promise.all([...first, ...second].map((v) => v.viewer.closed)), 5);
    expect(fdCount()).toBeLessThanOrEqual(base);
  });

  it('a client removed while queued ends removed, its fd closed, never added', async () => {
    const p = Pipeline.launch(audio('multifdsink name=sink sync=false'), { reactor });
    const base = fdCount();
    const sink = FdSink.attach(p, 'sink', { addBatchSeconds: 0.05 });
    await within(p.setState('playing'), 10);
    const [gone, kept] = await Promise.all([server.connect(), server.connect()]);
    const cg = sink.addClient(gone.fd);
    const ck = sink.addClient(kept.fd);
    cg.remove();
    const r = await within(cg.done, 1);
    expect(r.reason).toBe('removed');
    expect(r.bytesSent).toBe(0n);
    expect(await cg.added).toBe(false);
    await within(gone.viewer.closed, 5, 'the queued viewer sees EOF');
    expect(gone.viewer.bytes).toBe(0);
    expect(await within(ck.added, 5)).toBe(true);
    expect(p.getProperty('sink', 'num-handles')).toBe(1);
    await within(kept.viewer.received(2000), 10);
    await within(p.dispose(), 10);
    expect((await within(ck.done, 5)).reason).toBe('removed');
    await within(kept.viewer.closed, 5);
    expect(fdCount()).toBeLessThanOrEqual(base);
  });

  it('clients still queued when the pipeline is disposed end and leave no fd', async () => {
    const p = Pipeline.launch(audio('multifdsink name=sink sync=false'), { reactor });
    const base = fdCount();
    const sink = FdSink.attach(p, 'sink', { addBatchSeconds: 30 });
    await within(p.setState('playing'), 10);
    const viewers = await Promise.all([0, 1].map(() => server.connect()));
    const clients = viewers.map((v) => sink.addClient(v.fd));
    await within(p.dispose(), 10);
    const results = await within(Promise.all(clients.map((c) => c.done)), 5);
    expect(results.map((r) => r.reason)).toEqual(['removed', 'removed']);
    expect(await Promise.all(clients.map((c) => c.added))).toEqual([false, false]);
    await within(Promise.all(viewers.map((v) => v.viewer.closed)), 5);
    expect(fdCount()).toBeLessThanOrEqual(base);
  });

  it('stopping to NULL with clients queued ends them; after PLAYING again new hand-offs are added', async () => {
    const p = Pipeline.launch(audio('multifdsink name=sink sync=false'), { reactor });
    const base = fdCount();
    const sink = FdSink.attach(p, 'sink', { addBatchSeconds: 0.5 });
    await within(p.setState('playing'), 10);
    const early = await server.connect();
    const queued = sink.addClient(early.fd);
    expect(await within(p.setState('null'), 10)).toBe('null');
    expect((await within(queued.done, 5)).reason).toBe('removed');
    expect(await queued.added).toBe(false);
    await within(early.viewer.closed, 5);
    await within(p.setState('playing'), 10);
    const again = await server.connect();
    const c = sink.addClient(again.fd);
    expect(await within(c.added, 5)).toBe(true);
    await within(again.viewer.received(2000), 10);
    again.viewer.socket.destroy();
    expect(VANISHED).toContain((await within(c.done, 5)).reason);
    await within(p.dispose(), 10);
    expect(fdCount()).toBeLessThanOrEqual(base);
  });

  it('refuses a negative or non-finite addBatchSeconds', () => {
    const p = Pipeline.launch(audio('multifdsink name=sink sync=false'), { reactor });
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => FdSink.attach(p, 'sink', { addBatchSeconds: bad })).toThrow(GstOptionsError);
    }
    return within(p.dispose(), 10);
  });
});
