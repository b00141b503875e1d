/**
 * The eater's edges, against hand-made feeders on real sockets (a `ChallengeServerProtocol` that
 * misbehaves after the handshake) and a real feeder that is not READY yet: a silent feed is
 * aborted by the stall watchdog and redialled; garbage instead of GDP is reported as `corrupt`
 * and redialled; an eater that authenticates before the feeder's pipeline is READY is disconnected
 * and gets in once it plays; `stop({eos: true})` ends the stream downstream with EOS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deferred } from '../../../src/defer/deferred';
import type { Failure } from '../../../src/defer/failure';
import { GdpError } from '../../../src/gdp/errors';
import { GstOptionsError, SinkAddError } from '../../../src/gst/errors';
import { Eater, eaterSourceLaunch, type EaterEvent } from '../../../src/gst/feeds/eater';
import { Feeder, feederSinkLaunch } from '../../../src/gst/feeds/feeder';
import { Pipeline } from '../../../src/gst/pipeline';
import { ChallengeServerProtocol, type HandshakeResult } from '../../../src/protocols/challenge/challenge-protocol';
import { AuthConfigError } from '../../../src/protocols/errors';
import { Factory } from '../../../src/protocols/factory';
import type { ListeningPort } from '../../../src/reactor/interfaces/reactor';
import { realTime as reactor, startLoop, stopLoop, within } from '../helpers/loop';
import { fdCount } from '../helpers/net';
import { GdpProbe } from './helpers/probe';

const SECRET = 'the eater tests share this secret';

beforeAll(async () => {
  await startLoop();
  // GStreamer opens a few process-wide fds (clock, thread pools) the first time a pipeline plays:
  // play one first, so that the fd counts below only see what the tests make.
  const warm = Pipeline.launch('videotestsrc num-buffers=1 ! fakesink', { reactor });
  warm.setState('playing');
  await within(warm.eos, 10, 'warm-up');
  await within(warm.dispose(), 10);
});
afterAll(() => stopLoop());

function nextEvent(eater: Eater, type: EaterEvent['type']): Deferred<EaterEvent> {
  const d = new Deferred<EaterEvent>();
  const sub = eater.events$.subscribe((e) => {
    if (e.type === type && !d.called) {
      d.callback(e);
      queueMicrotask(() => sub.unsubscribe());
    }
  });
  return d;
}

/** A feeder that authenticates, then runs `after` on the transport (send garbage, stay silent…). */
interface FakeFeeder {
  readonly port: ListeningPort;
  /** Fires once every connection it accepted is closed on its side too. */
  allClosed(): Deferred<void>;
}

async function fakeFeeder(after: (p: ChallengeServerProtocol) => void): Promise<FakeFeeder> {
  const open = new Set<ChallengeServerProtocol>();
  let waiter: Deferred<void> | null = null;
  class Fake extends ChallengeServerProtocol {
    override connectionMade(): void {
      open.add(this);
      super.connectionMade();
    }

    override handshakeSucceeded(_r: HandshakeResult): void {
      after(this);
    }

    override connectionLost(reason: Failure): void {
      open.delete(this);
      if (open.size === 0 && waiter !== null && !waiter.called) waiter.callback(undefined);
      super.connectionLost(reason);
    }
  }
  const port = await reactor.listenTCP(0, Factory.forProtocol(() => new Fake({ secret: SECRET, time: reactor })), { interface: '127.0.0.1' }).asPromise();
  return {
    port,
    allClosed: () => {
      waiter = new Deferred<void>();
      if (open.size === 0) waiter.callback(undefined);
      return waiter;
    },
  };
}

async function eaterOn(port: ListeningPort, extra: { stallTimeout?: number } = {}): Promise<{ eater: Eater; pipe: Pipeline; probe: GdpProbe }> {
  const probe = await GdpProbe.make();
  const pipe = Pipeline.launch(`${eaterSourceLaunch('feed')} ! ${probe.sink}`, { reactor });
  const eater = await within(Eater.attach(pipe, 'feed', {
    identity: 'edge', secret: SECRET, time: reactor, initialDelay: 0.1, maxDelay: 0.3, jitter: 0, ...extra,
  }), 5);
  pipe.setState('playing').addErrback(() => undefined);
  const host = port.getHost();
  if (host.type === 'TCP') eater.connectTCP(reactor, '127.0.0.1', host.port);
  return { eater, pipe, probe };
}

async function done(e: { eater: Eater; pipe: Pipeline; probe: GdpProbe }, fake: FakeFeeder): Promise<void> {
  e.eater.stop();
  await within(e.pipe.dispose(), 10);
  e.probe.close();
  await within(fake.port.stopListening(), 5);
  await within(fake.allClosed(), 5, 'the fake feeder sees the eater go');
}

describe('Eater edges', () => {
  it('aborts a silent feed after stallTimeout and dials again', async () => {
    const fake = await fakeFeeder(() => undefined);
    const base = fdCount();
    const e = await eaterOn(fake.port, { stallTimeout: 0.4 });
    const stalled = await within(nextEvent(e.eater, 'stalled'), 10, 'stall detected');
    expect(stalled.type === 'stalled' && stalled.seconds).toBeGreaterThanOrEqual(0.4);
    await within(e.eater.whenAuthenticated(2), 10, 'dialled again');
    await done(e, fake);
    expect(fdCount()).toBeLessThanOrEqual(base + 1); // at most the new pipeline's bus pair (until it is collected), less the closed listening socket
  });

  it('reports garbage instead of GDP as corrupt and dials again', async () => {
    const fake = await fakeFeeder((p) => p.transport?.write(Buffer.alloc(100, 0xff)));
    const base = fdCount();
    const e = await eaterOn(fake.port);
    const corrupt = await within(nextEvent(e.eater, 'corrupt'), 10, 'corrupt feed');
    expect(corrupt.type === 'corrupt' && corrupt.error).toBeInstanceOf(GdpError);
    await within(e.eater.whenAuthenticated(2), 10, 'dialled again');
    expect(e.probe.media()).toHaveLength(0);
    await done(e, fake);
    expect(fdCount()).toBeLessThanOrEqual(base + 1);
  });

  it('is disconnected by a feeder that is not READY, and gets in once it plays', async () => {
    const fp = Pipeline.launch(`videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=10/1 ! ${feederSinkLaunch('feed')}`, { reactor });
    const feeder = Feeder.attach(fp, 'feed', { secret: SECRET, time: reactor });
    const port = await within(feeder.listenTCP(reactor, 0, { interface: '127.0.0.1' }), 5);
    const e = await eaterOn(port);
    await within(e.eater.whenAuthenticated(1), 10);
    await within(nextEvent(e.eater, 'lost'), 10, 'dropped: the sink is not READY');
    expect(feeder.eaterCount).toBe(0);
    await within(fp.setState('playing'), 10);
    await within(e.probe.buffers(3), 15, 'frames once the feeder plays');
    expect(feeder.eaterIdentities()).toEqual(['edge']);
    e.eater.stop();
    await within(e.pipe.dispose(), 10);
    e.probe.close();
    await within(feeder.close(), 5);
    await within(fp.dispose(), 10);
  });

  it('refuses bad options at once, and a pipeline that is not NULL without leaking an fd', async () => {
    const pipe = Pipeline.launch(`${eaterSourceLaunch('feed')} ! fakesink`, { reactor });
    expect(() => Eater.attach(pipe, 'feed', { identity: 'x', secret: 'short', time: reactor })).toThrow(AuthConfigError);
    expect(() => Eater.attach(pipe, 'feed', { identity: '', secret: SECRET, time: reactor })).toThrow(AuthConfigError);
    expect(() => Eater.attach(pipe, 'feed', { identity: 'x', secret: SECRET, time: reactor, stallTimeout: -1 })).toThrow(GstOptionsError);
    await within(pipe.setState('ready'), 5);
    const base = fdCount();
    await expect(within(Eater.attach(pipe, 'feed', { identity: 'x', secret: SECRET, time: reactor }), 5)).rejects.toBeInstanceOf(SinkAddError);
    expect(fdCount()).toBeLessThanOrEqual(base);
    await within(pipe.dispose(), 5);
  });

  it('stop({eos: true}) ends the stream downstream', async () => {
    const fp = Pipeline.launch(`videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=10/1 ! ${feederSinkLaunch('feed')}`, { reactor });
    const feeder = Feeder.attach(fp, 'feed', { secret: SECRET, time: reactor });
    await within(fp.setState('playing'), 10);
    const port = await within(feeder.listenTCP(reactor, 0, { interface: '127.0.0.1' }), 5);
    const e = await eaterOn(port);
    await within(e.probe.buffers(3), 15);
    e.eater.stop({ eos: true });
    await within(e.pipe.eos, 10, 'EOS downstream');
    expect(e.eater.feeding).toBe(false);
    await within(e.pipe.dispose(), 10);
    e.probe.close();
    await within(feeder.close(), 5);
    await within(fp.dispose(), 10);
  });
});
