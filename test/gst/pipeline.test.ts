/**
 * Pipeline on a running GLib loop: async state changes as Deferreds, errors as typed GstErrors
 * (synchronous FAILURE and asynchronous stream errors), bus messages as an Observable, EOS, launch
 * and element-spec construction, properties with bigint, and dispose().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstValueFrom, filter, toArray } from 'rxjs';
import { Pipeline } from '../../src/gst/pipeline';
import { GstDisposedError, GstError, GstStateChangeError } from '../../src/gst/errors';
import type { BusMessage } from '../../src/gst/bus';
import { realTime, startLoop, stopLoop, within } from './helpers/loop';

const reactor = realTime;

beforeAll(() => startLoop());
afterAll(() => stopLoop());

describe('Pipeline', () => {
  it('reaches PLAYING asynchronously and reports state changes on messages$', async () => {
    const p = Pipeline.launch('videotestsrc is-live=true ! video/x-raw,width=32,height=24,framerate=10/1 ! fakesink', { reactor });
    const all = firstValueFrom(p.messages$.pipe(toArray()));
    expect(p.state).toBe('null');
    const state = await within(p.setState('playing'), 10, 'setState(playing)');
    expect(state).toBe('playing');
    expect(p.state).toBe('playing');
    await within(p.dispose(), 10, 'dispose');
    expect(p.state).toBe('null');
    const seen: BusMessage[] = await within(all, 5);
    const own = seen.filter((m) => m.type === 'state-changed' && m.sourceName === p.name);
    expect(own.map((m) => m.state?.current).slice(0, 3)).toEqual(['ready', 'paused', 'playing']);
    expect(own.every((m) => m.source === `/GstPipeline:${p.name}`)).toBe(true);
  });

  it('fires eos and completes messages$ on dispose', async () => {
    const p = Pipeline.fromElements([
      { factory: 'videotestsrc', properties: { 'num-buffers': 3 } },
      { factory: 'capsfilter', properties: { caps: 'video/x-raw,width=16,height=16' } },
      { factory: 'fakesink', name: 'out' },
    ], { reactor });
    const all = firstValueFrom(p.messages$.pipe(toArray()));
    await within(p.setState('playing'), 10);
    await within(p.eos, 10, 'eos');
    await within(p.dispose(), 10);
    const messages = await within(all, 5, 'messages$ completion');
    expect(messages.some((m) => m.type === 'eos')).toBe(true);
    expect(p.hasElement('out')).toBe(true);
  });

  it('fails setState synchronously-failing changes with the GstError from the bus', async () => {
    const p = Pipeline.launch('filesrc location=/nonexistent/torsion ! fakesink', { reactor });
    const err = await within(p.setState('playing'), 10).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(GstError);
    const g = err as GstError;
    expect(g.code).toBe('TORSION_ERR_GST');
    expect(g.domain).toBe('gst-resource-error-quark');
    expect(g.gstCode).toBeGreaterThan(0);
    expect(g.elementPath).toMatch(/GstFileSrc:filesrc\d+$/);
    expect(g.debug).toContain('nonexistent');
    await within(p.dispose(), 10);
  });

  it('fails a pending async state change with a later streaming error', async () => {
    const p = Pipeline.launch('fakesrc num-buffers=4 sizetype=fixed sizemax=4096 filltype=zero ! decodebin ! fakesink', { reactor });
    const errors = firstValueFrom(p.messages$.pipe(filter((m) => m.type === 'error')));
    const err = await within(p.setState('playing'), 10).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(GstError);
    expect((err as GstError).domain).toBe('gst-stream-error-quark');
    const viaBus = await within(errors, 5);
    expect(viaBus.error?.message).toBe((err as GstError).message);
    await expect(within(p.eos, 5)).rejects.toBeInstanceOf(GstError);
    await within(p.dispose(), 10);
  });

  it('throws a GstError for an unparsable launch line', () => {
    expect(() => Pipeline.launch('videotestsrc ! no-such-element-xyz', { reactor })).toThrow(GstError);
  });

  it('supersedes a pending state change and rejects use after dispose', async () => {
    const p = Pipeline.launch('videotestsrc is-live=true ! video/x-raw,width=16,height=16 ! fakesink', { reactor });
    const first = p.setState('playing');
    const second = p.setState('ready');
    await expect(within(first, 5)).rejects.toBeInstanceOf(GstStateChangeError);
    expect(await within(second, 5)).toBe('ready');
    await within(p.dispose(), 10);
    await expect(within(p.setState('playing'), 5)).rejects.toBeInstanceOf(GstDisposedError);
    await expect(within(p.eos, 5)).rejects.toBeInstanceOf(GstDisposedError);
    expect(p.dispose()).toBe(p.dispose());
  });

  it('reads and writes properties, 64-bit ones as bigint', async () => {
    const p = Pipeline.launch('fakesrc name=src ! multifdsink name=sink', { reactor });
    p.setProperty('sink', 'timeout', 5_000_000_000n);
    p.setProperty('sink', 'sync-method', 2);
    expect(p.getProperty('sink', 'timeout')).toBe(5_000_000_000n);
    expect(p.getProperty('sink', 'sync-method')).toBe(2);
    expect(p.getProperty('sink', 'bytes-served')).toBe(0n);
    expect(() => p.getProperty('nope', 'x')).toThrow(/No element named 'nope'/);
    await within(p.dispose(), 10);
  });
});
