/**
 * Feeds in one process with real GStreamer and real sockets: a live raw-video feeder
 * (`… ! gdppay ! multifdsink`) and an eater (`fdsrc ! gdpdepay ! videoconvert ! …`) over TCP and
 * over a unix socket; the eater's downstream decodes what the feeder sends. A wrong secret is
 * refused on both sides with typed errors. A drop (the feeder removes the eater) is followed by a
 * reconnect with no EOS, no second stream header and monotonic timestamps downstream. fds return
 * to their baseline.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deferred } from '../../../src/defer/deferred';
import { GST_BUFFER_FLAG_HEADER } from '../../../src/gdp/packet';
import { Eater, eaterSourceLaunch, type EaterEvent } from '../../../src/gst/feeds/eater';
import { Feeder, feederSinkLaunch, type FeederEvent } from '../../../src/gst/feeds/feeder';
import { Pipeline } from '../../../src/gst/pipeline';
import { AuthWrongCredentials } from '../../../src/protocols/errors';
import type { ListeningPort } from '../../../src/reactor/interfaces/reactor';
import { realTime as reactor, startLoop, stopLoop, within } from '../helpers/loop';
import { fdCount } from '../helpers/net';
import { GdpProbe } from './helpers/probe';

const SECRET = 'a feed secret of more than 16 bytes';
const SOURCE = 'videotestsrc is-live=true pattern=ball ! video/x-raw,width=64,height=48,framerate=10/1';
/** RGB at 64x48: what videoconvert makes of the feed (proves the caps and payload were understood). */
const RGB_FRAME = 64 * 48 * 3;

beforeAll(() => startLoop());
afterAll(() => stopLoop());

function firstEvent<E extends { type: string }>(events$: { subscribe(fn: (e: E) => void): { unsubscribe(): void } }, type: E['type']): Deferred<E> {
  const d = new Deferred<E>();
  const sub = events$.subscribe((e) => {
    if (e.type === type && !d.called) {
      d.callback(e);
      queueMicrotask(() => sub.unsubscribe());
    }
  });
  return d;
}

interface Rig {
  feederPipe: Pipeline;
  feeder: Feeder;
  port: ListeningPort;
  eaterPipe: Pipeline;
  eater: Eater;
  probe: GdpProbe;
}

async function rig(kind: 'tcp' | 'unix', eaterSecret = SECRET): Promise<Rig> {
  const feederPipe = Pipeline.launch(`${SOURCE} ! ${feederSinkLaunch('feed')}`, { reactor });
  const feeder = Feeder.attach(feederPipe, 'feed', { secret: SECRET, time: reactor, deadline: 5 });
  await within(feederPipe.setState('playing'), 10, 'feeder playing');
  const path = join(tmpdir(), `torsion-feed-${process.pid}-${Math.random().toString(36).slice(2)}.sock`);
  const port = await within(kind === 'tcp' ? feeder.listenTCP(reactor, 0, { interface: '127.0.0.1' }) : feeder.listenUNIX(reactor, path), 5);
  const probe = await GdpProbe.make();
  const eaterPipe = Pipeline.launch(`${eaterSourceLaunch('feed')} ! videoconvert ! video/x-raw,format=RGB ! ${probe.sink}`, { reactor });
  const eater = await within(Eater.attach(eaterPipe, 'feed', {
    identity: 'eater-1', secret: eaterSecret, time: reactor, initialDelay: 0.1, maxDelay: 0.5, jitter: 0,
  }), 5);
  eaterPipe.setState('playing').addErrback(() => undefined);
  const host = port.getHost();
  if (kind === 'tcp' && host.type === 'TCP') eater.connectTCP(reactor, '127.0.0.1', host.port);
  else eater.connectUNIX(reactor, path);
  return { feederPipe, feeder, port, eaterPipe, eater, probe };
}

async function teardown(r: Rig): Promise<void> {
  r.eater.stop();
  await within(r.eaterPipe.dispose(), 10, 'eater dispose');
  r.probe.close();
  await within(r.feeder.close(), 5, 'feeder close');
  await within(r.feederPipe.dispose(), 10, 'feeder dispose');
}

describe('a feed in one process', () => {
  for (const kind of ['tcp', 'unix'] as const) {
    it(`over ${kind}: the eater decodes what the feeder sends; fds back to baseline`, async () => {
      // Warm up: pipelines keep their bus fds for the life of the process (docs/gst.md).
      const warm = await rig(kind);
      await within(warm.probe.buffers(1), 10);
      await teardown(warm);
      const base = fdCount();

      const r = await rig(kind);
      const accepted = firstEvent<FeederEvent>(r.feeder.events$, 'accepted');
      await within(r.eater.whenAuthenticated(1), 10, 'handshake');
      const acc = await within(accepted, 5);
      expect(acc.type === 'accepted' && acc.identity).toBe('eater-1');
      expect(r.feeder.eaterCount).toBe(1);
      await within(r.probe.buffers(10), 15, '10 frames downstream');
      const media = r.probe.media();
      expect(media.every((b) => b.payload.length === RGB_FRAME)).toBe(true);
      expect(r.probe.streamStarts).toBe(1);
      expect(r.probe.caps()).toBe(1);
      expect(r.probe.eosCount).toBe(0);
      expect(r.probe.error).toBeNull();
      expect(r.eater.stats.buffersOut).toBeGreaterThanOrEqual(10);
      await teardown(r);
      expect(r.eater.feeding).toBe(false);
      expect(fdCount()).toBeLessThanOrEqual(base + 4); // at most the two new pipelines' bus socket pairs (until they are collected), nothing else
    });
  }

  it('refuses a wrong secret on both sides with typed errors, and the eater stops trying', async () => {
    const base = fdCount();
    const r = await rig('tcp', 'not the feed secret, but long enough');
    const refusedFeeder = firstEvent<FeederEvent>(r.feeder.events$, 'refused');
    const refusedEater = firstEvent<EaterEvent>(r.eater.events$, 'refused');
    const f = await within(refusedFeeder, 10, 'feeder refusal');
    const e = await within(refusedEater, 10, 'eater refusal');
    expect(f.type === 'refused' && f.error).toBeInstanceOf(AuthWrongCredentials);
    expect(e.type === 'refused' && e.error).toBeInstanceOf(AuthWrongCredentials);
    expect(e.type === 'refused' && e.willRetry).toBe(false);
    expect(r.eater.authentications).toBe(0);
    expect(r.feeder.eaterCount).toBe(0);
    expect(r.probe.media()).toHaveLength(0);
    await teardown(r);
    expect(fdCount()).toBeLessThanOrEqual(base + 4); // at most the two pipelines' bus socket pairs (until they are collected), nothing else
  });

  it('reconnects after a drop: no EOS, one stream header, timestamps keep going', async () => {
    const base = fdCount();
    const r = await rig('tcp');
    await within(r.probe.buffers(5), 15, 'first frames');
    const lost = firstEvent<EaterEvent>(r.eater.events$, 'lost');
    r.feeder.dropEaters();
    await within(lost, 10, 'the drop');
    await within(r.eater.whenAuthenticated(2), 10, 'reconnected');
    const before = r.probe.media().length;
    await within(r.probe.buffers(before + 5), 15, 'frames after the reconnect');
    expect(r.eater.stats.connections).toBe(2);
    expect(r.eater.stats.replayDropped).toBeGreaterThan(0);
    expect(r.probe.streamStarts).toBe(1);
    expect(r.probe.caps()).toBe(1);
    expect(r.probe.eosCount).toBe(0);
    const pts = r.probe.media().map((b) => b.pts);
    for (let i = 1; i < pts.length; i++) expect(pts[i]! > pts[i - 1]!).toBe(true);
    expect(r.probe.media().every((b) => b.payload.length === RGB_FRAME)).toBe(true);
    await teardown(r);
    expect(fdCount()).toBeLessThanOrEqual(base + 4);
  });

  it('an encoded feed with stream headers (Vorbis): a reconnect does not repeat them downstream', async () => {
    const feederPipe = Pipeline.launch('audiotestsrc is-live=true samplesperbuffer=1600 ! audio/x-raw,rate=16000,channels=1 '
      + `! audioconvert ! vorbisenc ! ${feederSinkLaunch('feed')}`, { reactor });
    const feeder = Feeder.attach(feederPipe, 'feed', { secret: SECRET, time: reactor });
    await within(feederPipe.setState('playing'), 10);
    const port = await within(feeder.listenTCP(reactor, 0, { interface: '127.0.0.1' }), 5);
    const probe = await GdpProbe.make();
    const eaterPipe = Pipeline.launch(`${eaterSourceLaunch('feed')} ! ${probe.sink}`, { reactor });
    const eater = await within(Eater.attach(eaterPipe, 'feed', {
      identity: 'vorbis', secret: SECRET, time: reactor, initialDelay: 0.1, maxDelay: 0.5, jitter: 0,
    }), 5);
    eaterPipe.setState('playing').addErrback(() => undefined);
    const host = port.getHost();
    if (host.type === 'TCP') eater.connectTCP(reactor, '127.0.0.1', host.port);
    await within(probe.buffers(5), 15, 'vorbis packets');
    const headers = (): number => probe.packets.filter((p) => p.kind === 'buffer' && (p.flags & GST_BUFFER_FLAG_HEADER) !== 0).length;
    expect(headers()).toBe(3); // identification, comment, setup
    feeder.dropEaters();
    await within(eater.whenAuthenticated(2), 10, 'reconnected');
    const before = probe.media().length;
    await within(probe.buffers(before + 5), 15, 'vorbis packets after the reconnect');
    expect(eater.stats.replayDropped).toBeGreaterThanOrEqual(3);
    expect(headers()).toBe(3);
    expect(probe.caps()).toBe(1);
    expect(probe.eosCount).toBe(0);
    eater.stop();
    await within(eaterPipe.dispose(), 10);
    probe.close();
    await within(feeder.close(), 5);
    await within(feederPipe.dispose(), 10);
  });
});
