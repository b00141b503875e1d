/**
 * Slow-client policies on real unix sockets with a fast live source (~1.5 MB/s): a viewer that
 * stops reading is dropped as `slow` by the hard limit, or kept and resynchronised by a soft limit
 * with a recover policy while the sink's queue stays bounded (it grows without limits: the
 * control), or dropped by the client timeout; sink policies reach the element as properties.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deferred } from '../../src/defer/deferred';
import { closeSync, writeSync } from 'node:fs';
import { FdSink } from '../../src/gst/fd-sink';
import { loadGst } from '../../src/gst/gst';
import { socketWritable } from '../../src/gst/stall-watch';
import { GstOptionsError } from '../../src/gst/errors';
import { Pipeline } from '../../src/gst/pipeline';
import type { SinkPolicy } from '../../src/gst/sink-options';
import { realTime as reactor, startLoop, stopLoop, within } from './helpers/loop';
import { FdServer, fdCount } from './helpers/net';

// 153.6 kB buffers, 10 per second: a stalled unix socket fills within a second or two.
const FAST = 'audiotestsrc is-live=true wave=silence samplesperbuffer=4800 ! audio/x-raw,rate=48000,channels=8,format=S32LE ! multifdsink name=sink sync=false';

let server: FdServer;
beforeAll(async () => { await startLoop(); server = new FdServer('unix'); await server.ready; });
afterAll(async () => { await server.close(); stopLoop(); });

/**
 * Stall one viewer under `policy` and sample the sink's queue until the stalled client ends, or
 * (with `healthyBytes`) until the healthy viewer has received that much of the stream.
 */
async function stall(policy: SinkPolicy, until: { slowDone: true } | { healthyBytes: number }) {
  const p = Pipeline.launch(FAST, { reactor });
  const base = fdCount();
  const sink = FdSink.attach(p, 'sink', policy);
  await within(p.setState('playing'), 10);
  const healthy = await server.connect();
  const stalled = await server.connect();
  const ok = sink.addClient(healthy.fd);
  const slow = sink.addClient(stalled.fd);
  stalled.viewer.socket.pause();
  let maxQueued = 0;
  const sample = setInterval(() => { maxQueued = Math.max(maxQueued, sink.stats().buffersQueued); }, 20);
  const event: Deferred<unknown> = 'slowDone' in until ? slow.done : healthy.viewer.received(until.healthyBytes);
  await within(event, 15, 'stall window');
  clearInterval(sample);
  const slowState = slow.state;
  const healthyBytes = healthy.viewer.bytes;
  await within(p.dispose(), 10);
  const [okResult, slowResult] = await within(Promise.all([ok.done, slow.done]), 5);
  stalled.viewer.socket.destroy();
  await within(Promise.all([healthy.viewer.closed, stalled.viewer.closed]), 5);
  expect(fdCount()).toBeLessThanOrEqual(base);
  return { maxQueued, slowState, slowResult, okResult, healthyBytes };
}

describe('FdSink slow-client policies', () => {
  it('a viewer that stops reading is dropped as slow by the hard limit; others keep streaming', async () => {
    const r = await stall({ limits: { format: 'buffers', hardMax: 10 } }, { slowDone: true });
    expect(r.slowResult.reason).toBe('slow');
    expect(r.okResult.reason).toBe('removed');
    expect(r.healthyBytes).toBeGreaterThan(150_000);
    expect(r.maxQueued).toBeLessThanOrEqual(14);
  });

  it('a soft limit with a recover policy keeps the viewer and bounds the queue; no limits do not', async () => {
    // About 2.5 s of stream reach the healthy viewer while the other one is stalled.
    const bounded = await stall({ limits: { format: 'buffers', softMax: 5, recoverPolicy: 'latest' } }, { healthyBytes: 3_800_000 });
    expect(bounded.slowState).toBe('sink-owned');
    expect(bounded.slowResult.reason).toBe('removed');
    expect(bounded.maxQueued).toBeLessThanOrEqual(10);
    const unbounded = await stall({}, { healthyBytes: 3_800_000 });
    expect(unbounded.slowState).toBe('sink-owned');
    expect(unbounded.maxQueued).toBeGreaterThan(bounded.maxQueued + 5);
  });

  it('the client timeout drops a viewer whose socket stays full (watched by FdSink, not by the sink)', async () => {
    const r = await stall({ clientTimeout: 0.5 }, { slowDone: true });
    expect(r.slowResult.reason).toBe('slow');
    expect(r.slowResult.seconds).toBeGreaterThanOrEqual(0.5);
    expect(r.okResult.reason).toBe('removed');
  });

  it('the client timeout never drops a viewer that keeps reading, while a stalled one is dropped beside it', async () => {
    // About 4 s of stream (four timeouts) reach the healthy viewer; the stalled one goes after about 2.
    const r = await stall({ clientTimeout: 1 }, { healthyBytes: 6_000_000 });
    expect(r.slowState).toBe('released');
    expect(r.slowResult.reason).toBe('slow');
    expect(r.okResult.reason).toBe('removed'); // by the dispose at the end, not by the timeout
    expect(r.healthyBytes).toBeGreaterThanOrEqual(6_000_000);
  });

  it('socketWritable tells a full socket from one with room, and null for what is not a socket', async () => {
    const core = loadGst();
    const a = await server.connect();
    expect(socketWritable(core, { fd: a.fd, socket: null })).toBe(true);
    a.viewer.socket.pause();
    const chunk = Buffer.alloc(65536);
    // Fill the unix socket's buffers (the peer does not read): writes fail with EAGAIN once full.
    let wrote = 0;
    for (;;) {
      try {
        wrote += writeSync(a.fd, chunk);
      } catch {
        break;
      }
    }
    expect(wrote).toBeGreaterThan(0);
    expect(socketWritable(core, { fd: a.fd, socket: null })).toBe(false);
    a.viewer.socket.resume();
    await within(a.viewer.received(wrote), 5);
    expect(socketWritable(core, { fd: a.fd, socket: null })).toBe(true);
    closeSync(a.fd);
    a.viewer.socket.destroy();
    expect(socketWritable(core, { fd: 1_000_000, socket: null })).toBeNull();
  });

  it('writes policies as properties and rejects invalid ones up front', async () => {
    const p = Pipeline.launch(FAST, { reactor });
    FdSink.attach(p, 'sink', {
      syncMethod: 'burst-keyframe', burst: { format: 'bytes', value: 65536 }, clientTimeout: 2.5,
      limits: { format: 'time', softMax: 500_000_000n, hardMax: 2_000_000_000n, recoverPolicy: 'keyframe' }, resendStreamheader: false,
    });
    expect(p.getProperty('sink', 'sync-method')).toBe(4);
    expect(p.getProperty('sink', 'burst-format')).toBe(2);
    expect(p.getProperty('sink', 'burst-value')).toBe(65536n);
    // The client timeout is watched by FdSink (stall-watch.ts): the sink's own racy timeout stays 0.
    expect(p.getProperty('sink', 'timeout')).toBe(0n);
    expect(p.getProperty('sink', 'unit-format')).toBe(3);
    expect(p.getProperty('sink', 'units-soft-max')).toBe(500_000_000n);
    expect(p.getProperty('sink', 'units-max')).toBe(2_000_000_000n);
    expect(p.getProperty('sink', 'recover-policy')).toBe(3);
    expect(p.getProperty('sink', 'resend-streamheader')).toBe(false);
    expect(() => FdSink.attach(p, 'sink', { limits: { softMax: 10, hardMax: 5 } })).toThrow(GstOptionsError);
    expect(() => FdSink.attach(p, 'sink', { clientTimeout: -1 })).toThrow(GstOptionsError);
    expect(() => FdSink.attach(p, 'sink', { syncMethod: 'sometimes' as never })).toThrow(GstOptionsError);
    expect(() => FdSink.attach(p, 'sink', { burst: { format: 'bytes', value: 1.5 } })).toThrow(GstOptionsError);
    await within(p.dispose(), 10);
  });
});
