/**
 * Disposed pipelines are finalised: node-gtk keeps every signal handler on the object's wrapper
 * even after `disconnect()`, so a bus or sink handler that reached the Pipeline kept it (and its
 * bus's 2 fds) alive for the life of the process. With `connectSignal` the Pipeline objects are
 * collected and the fds come back, pipeline after pipeline, with sinks and viewers in them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FdSink } from '../../src/gst/fd-sink';
import { Pipeline } from '../../src/gst/pipeline';
import { connectSignal } from '../../src/gst/signals';
import { loadGst } from '../../src/gst/gst';
import { realTime as reactor, startLoop, stopLoop, within } from './helpers/loop';
import { FdServer, fdCount } from './helpers/net';
import { webm } from './helpers/streams';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

beforeAll(() => startLoop());
afterAll(() => stopLoop());

/** Collect garbage and turn the loop (node-gtk drops its refs in a GLib idle) until `done()` or `seconds`. */
async function collectUntil(done: () => boolean, seconds: number, what: () => string): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not collected within ${seconds} s: ${what()}`);
    gc();
    await within(new Promise<void>((r) => { reactor.callLater(0.05, r); }), 5);
  }
}

describe('Pipeline finalisation', () => {
  it('ten pipelines with a sink and a viewer each are collected and give their fds back', async () => {
    const tcp = new FdServer('tcp');
    await tcp.ready;
    let collected = 0;
    const registry = new FinalizationRegistry<null>(() => { collected += 1; });
    const base = fdCount();
    const rounds = 10;
    // One function call per pipeline, so no suspended frame of this test keeps the last one.
    const once = async (): Promise<void> => {
      const p = Pipeline.launch(webm(), { reactor });
      registry.register(p, null);
      const sink = FdSink.attach(p, 'sink');
      await within(p.setState('playing'), 10, 'playing');
      const { fd, viewer } = await tcp.connect();
      const client = sink.addClient(fd);
      await within(viewer.received(2000), 15, 'viewer data');
      await within(p.dispose(), 10, 'dispose');
      expect((await within(client.done, 5, 'client done')).reason).toBe('removed');
      viewer.socket.destroy();
    };
    for (let i = 0; i < rounds; i++) await once();
    // Without the fix every pipeline held 2 fds and none was collected.
    await collectUntil(() => collected === rounds && fdCount() <= base, 20, () => `${collected}/${rounds} collected, fds ${fdCount()} > ${base}`);
    expect(collected).toBe(rounds);
    expect(fdCount()).toBeLessThanOrEqual(base);
    tcp.close();
  }, 120_000);

  it('connectSignal delivers until disconnected, then lets go of the handler', async () => {
    const { Gst } = loadGst();
    const bus = new Gst.Bus();
    let seen = 0;
    let released = false;
    const registry = new FinalizationRegistry<null>(() => { released = true; });
    let handler: ((m: unknown) => void) | null = () => { seen += 1; };
    registry.register(handler, null);
    bus.addSignalWatch();
    const disconnect = connectSignal(bus, 'message', handler);
    handler = null;
    bus.post(Gst.Message.newApplication(null, Gst.Structure.newEmpty('torsion-test')));
    await collectUntil(() => seen === 1, 5, () => 'message not delivered');
    disconnect();
    disconnect(); // idempotent
    bus.post(Gst.Message.newApplication(null, Gst.Structure.newEmpty('torsion-test')));
    await collectUntil(() => released, 10, () => 'handler still referenced after disconnect');
    expect(seen).toBe(1);
    bus.removeSignalWatch();
  });
});
