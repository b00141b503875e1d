/**
 * FdSink streaming on real sockets: live WebM and Ogg pipelines feed TCP and unix viewers (raw fds
 * and detachable transports); every viewer, early or late, gets a stream that starts with the
 * stream header and decodes with a real demuxer and decoder; disconnects and removals end clients
 * with the right reason; fds return to the baseline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FdSink } from '../../src/gst/fd-sink';
import { Pipeline } from '../../src/gst/pipeline';
import { decodeFrames, EBML_MAGIC, OGG_MAGIC } from './helpers/decode';
import { realTime as reactor, startLoop, stopLoop, within } from './helpers/loop';
import { fdCount, FdServer, VANISHED } from './helpers/net';
import { detachable, ogg, webm } from './helpers/streams';

beforeAll(() => startLoop());
afterAll(() => stopLoop());

describe('FdSink streaming', () => {
  it('WebM to early and late TCP and unix viewers: header first, decodable, closed on disconnect', async () => {
    const tcp = new FdServer('tcp');
    const unix = new FdServer('unix');
    await Promise.all([tcp.ready, unix.ready]);
    const p = Pipeline.launch(webm(), { reactor });
    const base = fdCount();
    const sink = FdSink.attach(p, 'sink', { syncMethod: 'latest-keyframe' });
    await within(p.setState('playing'), 10);

    const early = await tcp.connect();
    const earlyClient = sink.addClient(early.fd);
    expect(await earlyClient.added).toBe(true);
    expect(earlyClient.state).toBe('sink-owned');
    const viaUnix = await unix.connectSocket();
    const transport = detachable(viaUnix.server);
    const unixClient = sink.addClient(transport);
    expect(unixClient.state).toBe('detaching');
    expect(await within(unixClient.added, 5)).toBe(true);
    await within(early.viewer.received(4000), 15, 'early viewer data');
    const late = await tcp.connect();
    const lateClient = sink.addClient(late.fd);
    await within(Promise.all([late.viewer.received(4000), viaUnix.viewer.received(4000)]), 15, 'late viewers data');
    expect(sink.size).toBe(3);

    for (const v of [early.viewer, viaUnix.viewer, late.viewer]) v.socket.destroy();
    const results = await within(Promise.all([earlyClient.done, unixClient.done, lateClient.done]), 10, 'done');
    for (const r of results) expect(VANISHED).toContain(r.reason);
    expect(results.every((r) => r.bytesSent > 0n && r.seconds > 0)).toBe(true);
    expect(earlyClient.state).toBe('released');
    expect(sink.size).toBe(0);

    for (const v of [early.viewer, viaUnix.viewer, late.viewer]) {
      const data = v.data();
      expect(data.subarray(0, 4)).toEqual(EBML_MAGIC);
      const decoded = await decodeFrames(data, 'webm');
      expect(decoded.ok, decoded.output.slice(-500)).toBe(true);
      expect(decoded.frames).toBeGreaterThanOrEqual(5);
    }
    await within(p.dispose(), 10);
    expect(fdCount()).toBeLessThanOrEqual(base);
    await Promise.all([tcp.close(), unix.close()]);
  });

  it('Ogg (Theora + Vorbis) to early and late viewers: header first, decodable', async () => {
    const tcp = new FdServer('tcp');
    await tcp.ready;
    const p = Pipeline.launch(ogg(), { reactor });
    const base = fdCount();
    const sink = FdSink.attach(p, 'sink', { syncMethod: 'latest-keyframe' });
    await within(p.setState('playing'), 10);
    const early = await tcp.connect();
    const a = sink.addClient(early.fd);
    await within(early.viewer.received(12000), 15, 'early viewer data');
    const late = await tcp.connect();
    const b = sink.addClient(late.fd);
    await within(late.viewer.received(12000), 15, 'late viewer data');
    a.remove();
    b.remove({ flush: true });
    const [ra, rb] = await within(Promise.all([a.done, b.done]), 10);
    expect([ra.reason, rb.reason]).toEqual(['removed', 'removed']);
    await within(Promise.all([early.viewer.closed, late.viewer.closed]), 10, 'viewers see EOF');
    for (const v of [early.viewer, late.viewer]) {
      const data = v.data();
      expect(data.subarray(0, 4)).toEqual(OGG_MAGIC);
      const decoded = await decodeFrames(data, 'ogg');
      expect(decoded.frames, decoded.output.slice(-500)).toBeGreaterThanOrEqual(5);
    }
    await within(p.dispose(), 10);
    expect(fdCount()).toBeLessThanOrEqual(base);
    await tcp.close();
  });
});
