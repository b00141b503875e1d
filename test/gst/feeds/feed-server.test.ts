/**
 * `FeedServer`: two feeders of different frame sizes behind one port; eaters asking for `/big` and
 * `/small` by identity each get their own feed (checked by the RGB frame size downstream). A feed
 * that is offered but has no feeder right now closes the connection after the handshake (the
 * eater retries and is fed once the feeder is back); a feed that was never offered is refused in the
 * handshake with `AuthWrongCredentials`. Also `feedIdentity`/`parseFeedIdentity`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deferred } from '../../../src/defer/deferred';
import { Eater, eaterSourceLaunch, type EaterEvent } from '../../../src/gst/feeds/eater';
import { feederSinkLaunch } from '../../../src/gst/feeds/feeder';
import { FeedServer, feedIdentity, parseFeedIdentity, type FeedServerEvent } from '../../../src/gst/feeds/feed-server';
import { Pipeline } from '../../../src/gst/pipeline';
import { GstOptionsError } from '../../../src/gst/errors';
import { AuthWrongCredentials } from '../../../src/protocols/errors';
import { realTime as reactor, startLoop, stopLoop, within } from '../helpers/loop';
import { GdpProbe } from './helpers/probe';

const SECRET = 'a feed-server secret of more than 16 bytes';

beforeAll(() => startLoop());
afterAll(() => stopLoop());

function producer(width: number, height: number): Pipeline {
  return Pipeline.launch(`videotestsrc is-live=true ! video/x-raw,width=${width},height=${height},framerate=10/1 ! ${feederSinkLaunch('feed')}`, { reactor });
}

async function eater(port: number, identity: string): Promise<{ pipe: Pipeline; eater: Eater; probe: GdpProbe }> {
  const probe = await GdpProbe.make();
  const pipe = Pipeline.launch(`${eaterSourceLaunch('src')} ! videoconvert ! video/x-raw,format=RGB ! ${probe.sink}`, { reactor });
  const e = await within(Eater.attach(pipe, 'src', { identity, secret: SECRET, time: reactor, initialDelay: 0.1, maxDelay: 0.3, jitter: 0 }), 5);
  pipe.setState('playing').addErrback(() => undefined);
  e.connectTCP(reactor, '127.0.0.1', port);
  return { pipe, eater: e, probe };
}

function next<E extends { type: string }>(events$: { subscribe(fn: (e: E) => void): { unsubscribe(): void } }, type: E['type']): Deferred<E> {
  const d = new Deferred<E>();
  const sub = events$.subscribe((e) => {
    if (e.type === type && !d.called) {
      d.callback(e);
      queueMicrotask(() => sub.unsubscribe());
    }
  });
  return d;
}

describe('feed identities', () => {
  it('carry the eater and the feed, split at the last @', () => {
    expect(feedIdentity('edge-1', '/live.webm')).toBe('edge-1@/live.webm');
    expect(parseFeedIdentity('edge-1@/live.webm')).toEqual({ eater: 'edge-1', feed: '/live.webm' });
    expect(parseFeedIdentity('me@host@/a')).toEqual({ eater: 'me@host', feed: '/a' });
    for (const bad of ['no-feed', '@/a', 'edge@']) expect(parseFeedIdentity(bad), bad).toBeNull();
    expect(() => feedIdentity('e', 'a@b')).toThrow(GstOptionsError);
    expect(() => feedIdentity('', '/a')).toThrow(GstOptionsError);
  });
});

describe('FeedServer: several feeds behind one port', () => {
  it('routes each eater to the feed it named, waits out a missing feeder, and refuses a feed never offered', async () => {
    const server = new FeedServer({ secret: SECRET, time: reactor, deadline: 5 });
    const events: FeedServerEvent[] = [];
    server.events$.subscribe((e) => events.push(e));
    const big = producer(64, 48);
    const small = producer(32, 24);
    const bigFeeder = server.attachFeeder(big, 'feed');
    const smallFeeder = server.attachFeeder(small, 'feed');
    await within(big.setState('playing'), 10);
    await within(small.setState('playing'), 10);
    server.setFeeder('/big', bigFeeder);
    server.offer('/small'); // offered, but no feeder yet
    expect(server.feeds().sort()).toEqual(['/big', '/small']);
    const listening = await within(server.listenTCP(reactor, 0, { interface: '127.0.0.1' }), 5);
    const host = listening.getHost();
    const port = host.type === 'TCP' ? host.port : 0;
    const eaters: Array<Awaited<ReturnType<typeof eater>>> = [];
    try {
      const a = await eater(port, 'a@/big');
      const b = await eater(port, 'b@/small');
      eaters.push(a, b);
      await within(a.probe.buffers(3), 15, 'frames of /big');
      expect(a.probe.media().every((m) => m.payload.length === 64 * 48 * 3)).toBe(true);
      // /small has no feeder: b authenticates, is closed, and redials.
      await within(b.eater.whenAuthenticated(2), 10, 'b retried after an unavailable feed');
      expect(events.some((e) => e.type === 'unavailable' && e.feed === '/small' && e.eater === 'b')).toBe(true);
      expect(b.probe.media()).toHaveLength(0);
      server.setFeeder('/small', smallFeeder);
      await within(b.probe.buffers(3), 15, 'frames of /small once its feeder is there');
      expect(b.probe.media().every((m) => m.payload.length === 32 * 24 * 3)).toBe(true);
      expect(bigFeeder.eaterIdentities()).toEqual(['a@/big']);
      expect(smallFeeder.eaterIdentities()).toEqual(['b@/small']);

      // A feed never offered: refused in the handshake, and the eater stops (a wrong name does not fix itself).
      const c = await eater(port, 'c@/nowhere');
      eaters.push(c);
      const refused = await within(next<EaterEvent>(c.eater.events$, 'refused'), 10);
      expect(refused.type === 'refused' && refused.error).toBeInstanceOf(AuthWrongCredentials);
      expect(refused.type === 'refused' && refused.willRetry).toBe(false);
    } finally {
      for (const e of eaters) {
        e.eater.stop();
        await within(e.pipe.dispose(), 10);
        e.probe.close();
      }
      await within(server.close(), 5);
      await within(big.dispose(), 10);
      await within(small.dispose(), 10);
    }
  }, 60_000);
});
