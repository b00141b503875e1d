/**
 * GLibReactor specifics: a GStreamer bus watch and GObject signals (same-thread and from a streaming
 * thread) dispatch on the reactor's loop through `connectSignal`, which holds the loop alive while
 * connected (PITFALLS 5); a throwing GLib callback is logged by `guardCallback` and the loop keeps
 * serving; an exception escaping an unguarded GLib callback is logged and the loop is resumed.
 * Gst is loaded here, in the test, as the gst layer will do.
 */
import { describe, expect, it } from 'vitest';
import { captureLogs } from '../../src/log';
import { loadGi } from '../../src/reactor/gi';
import { LOOP_RECYCLE_MS, glibLoopEntries } from '../../src/reactor/impl/glib-driver';
import { GLibReactor } from '../../src/reactor/impl/glib-reactor';
import { connectSignal, guardCallback, holdLoopAlive, loopHoldCount, type SignalSource } from '../../src/reactor/impl/glib-glue';
import { deferLater, runReactor, waitUntil, type ReactorBuilder } from '../conformance/helpers';

const builder: ReactorBuilder<GLibReactor> = { name: 'GLibReactor', build: () => new GLibReactor() };

function loadGst() {
  const Gst = loadGi().gi.require('Gst', '1.0');
  Gst.init(null);
  return Gst;
}

describe('GLibReactor: GLib and GStreamer dispatch', () => {
  it('dispatches a bus watch, a same-thread signal and a streaming-thread signal on its loop', async () => {
    const Gst = loadGst();
    const holdsBefore = loopHoldCount();
    await runReactor(builder, builder.build(), async (reactor) => {
      const pipeline = Gst.parseLaunch('fakesrc num-buffers=5 ! identity name=id signal-handoffs=true ! fakesink name=sink');
      const identity = (pipeline as unknown as { getByName(n: string): SignalSource & { silent: boolean } }).getByName('id');
      const bus = pipeline.getBus();
      if (bus === null) throw new Error('no bus');
      bus.addSignalWatch();
      let handoffs = 0;
      let eos = false;
      let notified: boolean | null = null;
      const disconnects = [
        reactor.connectSignal(identity, 'handoff', () => {
          handoffs++;
        }),
        reactor.connectSignal(bus as unknown as SignalSource, 'message', (message: { type: number }) => {
          if (message.type === Gst.MessageType.EOS) eos = true;
        }),
        connectSignal(identity, 'notify::silent', () => {
          notified = identity.silent;
        }),
      ];
      expect(loopHoldCount()).toBe(holdsBefore + 3 + 1); // three signals, plus the running loop
      identity.silent = !identity.silent;
      expect(notified).toBe(identity.silent); // same-thread signals run synchronously
      pipeline.setState(Gst.State.PLAYING);
      await waitUntil(reactor, () => eos, 5, 'EOS on the bus');
      expect(handoffs).toBe(5);
      // PITFALLS 6: disconnect the handlers, yield once, then go to NULL.
      for (const disconnect of disconnects) disconnect();
      disconnects[0]?.(); // idempotent
      await deferLater(reactor, 0, null);
      pipeline.setState(Gst.State.NULL);
      bus.removeSignalWatch();
    });
    expect(loopHoldCount()).toBe(holdsBefore);
  });

  it('returns from loop.run() every LOOP_RECYCLE_MS and enters it again, silently; GLib sources and Node timers carry on', async () => {
    // node-gtk leaves a few V8 handles per loop iteration in the scope of the loop.run() call
    // (glib-driver.ts); returning from it releases them. Here: the loop is left and re-entered at
    // least twice (each exit runs the quit handler below), and nothing notices.
    const { GLib } = loadGi();
    const logs = captureLogs();
    try {
      await runReactor(builder, builder.build(), async (reactor) => {
        let glibTicks = 0;
        let nodeTicks = 0;
        const id = GLib.timeoutAdd(GLib.PRIORITY_DEFAULT, 50, guardCallback(() => { glibTicks++; return true; }, 'tick', false));
        const interval = setInterval(() => { nodeTicks++; }, 50);
        const started = reactor.seconds();
        const entered = glibLoopEntries();
        await deferLater(reactor, (2.2 * LOOP_RECYCLE_MS) / 1000, null);
        const elapsed = reactor.seconds() - started;
        expect(glibLoopEntries() - entered).toBeGreaterThanOrEqual(2);
        clearInterval(interval);
        GLib.sourceRemove(id);
        // Both kept ticking through the recycles (50 ms ticks; generous bounds for a loaded machine).
        expect(glibTicks).toBeGreaterThanOrEqual(Math.floor((elapsed * 1000) / 50 / 2));
        expect(nodeTicks).toBeGreaterThanOrEqual(Math.floor((elapsed * 1000) / 50 / 2));
      });
    } finally {
      logs.restore();
    }
    expect(logs.records.filter((r) => r.level === 'warn' || r.level === 'error').map((r) => r.message)).toEqual([]);
  });

  it('logs a throwing guarded GLib callback and keeps serving', async () => {
    const { GLib } = loadGi();
    const logs = captureLogs();
    let later = false;
    try {
      await runReactor(builder, builder.build(), async (reactor) => {
        let calls = 0;
        GLib.timeoutAdd(GLib.PRIORITY_DEFAULT, 1, guardCallback(() => {
          calls++;
          throw new Error('glib callback boom');
        }, 'test timeout', false));
        await waitUntil(reactor, () => calls === 1, 5, 'the GLib callback');
        await deferLater(reactor, 0.02, null);
        later = true;
        expect(calls).toBe(1); // returned false (SOURCE_REMOVE) after the throw
      });
    } finally {
      logs.restore();
    }
    expect(later).toBe(true);
    const record = logs.records.find((r) => r.message === 'Exception in a GLib/GObject callback');
    expect(record?.fields['context']).toBe('test timeout');
  });

  it('holdLoopAlive counts holders and releases once per holder', () => {
    const base = loopHoldCount();
    const a = holdLoopAlive();
    const b = holdLoopAlive();
    expect(loopHoldCount()).toBe(base + 2);
    a();
    a();
    expect(loopHoldCount()).toBe(base + 1);
    b();
    expect(loopHoldCount()).toBe(base);
  });
});
