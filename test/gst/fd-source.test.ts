/**
 * FdSource on real fds: a child's stdout pipe carrying GDP (VP8 buffers) and a TCP socket detached
 * from a transport carrying the same; the pipeline decodes to EOS when the writer closes, and the
 * fd is closed on dispose. Adopting while not NULL fails and closes the fd.
 */
import { spawn } from 'node:child_process';
import { fstatSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SinkAddError } from '../../src/gst/errors';
import { FdSource } from '../../src/gst/fd-source';
import { stealSocketFd } from '../../src/gst/fd-util';
import { Pipeline } from '../../src/gst/pipeline';
import { realTime as reactor, startLoop, stopLoop, within } from './helpers/loop';
import { FdServer, fdCount } from './helpers/net';
import { detachable } from './helpers/streams';

const FEED = ['-q', 'videotestsrc', 'num-buffers=15', '!', 'video/x-raw,width=32,height=24,framerate=30/1', '!', 'vp8enc', 'deadline=1',
  '!', 'gdppay', '!', 'fdsink', 'fd=1'];
const RECEIVE = 'fdsrc name=src ! gdpdepay ! vp8dec ! fakesink name=out';

function feeder() {
  return spawn('gst-launch-1.0', FEED, { stdio: ['ignore', 'pipe', 'ignore'] });
}

function isOpen(fd: number): boolean {
  try { fstatSync(fd); return true; } catch { return false; }
}

beforeAll(() => startLoop());
afterAll(() => stopLoop());

describe('FdSource', () => {
  it('reads GDP from a child process pipe to EOS and closes the fd on dispose', async () => {
    const p = Pipeline.launch(RECEIVE, { reactor });
    const base = fdCount();
    const child = feeder();
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const fd = stealSocketFd(child.stdout as unknown as import('node:net').Socket);
    const source = await within(FdSource.adopt(p, 'src', fd), 5);
    expect(source.fd).toBe(fd);
    await within(p.setState('playing'), 10);
    await within(p.eos, 20, 'EOS from the pipe');
    await within(exited, 10);
    await within(p.dispose(), 10);
    expect(source.fd).toBe(-1);
    expect(isOpen(fd)).toBe(false);
    expect(fdCount()).toBeLessThanOrEqual(base);
  });

  it('reads a socket detached from a transport; EOS when the peer closes', async () => {
    const server = new FdServer('tcp');
    const p = Pipeline.launch(RECEIVE, { reactor });
    const { viewer: writer, server: sock } = await server.connectSocket();
    const source = await within(FdSource.adopt(p, 'src', detachable(sock), { timeout: 5 }), 5);
    expect(p.getProperty('src', 'timeout')).toBe(5_000_000n);
    const child = feeder();
    child.stdout.pipe(writer.socket);
    await within(p.setState('playing'), 10, 'preroll on the first buffers');
    await within(p.eos, 20, 'EOS from the socket');
    await within(p.dispose(), 10);
    expect(source.fd).toBe(-1);
    await within(writer.closed, 5);
    await server.close();
  });

  it('refuses an fd once the pipeline left NULL, closing it', async () => {
    const p = Pipeline.launch('fdsrc name=src ! fakesink', { reactor });
    const child = feeder();
    const fd = stealSocketFd(child.stdout as unknown as import('node:net').Socket);
    await within(p.setState('ready'), 5).catch(() => undefined);
    const err = await within(FdSource.adopt(p, 'src', fd), 5).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(SinkAddError);
    expect(isOpen(fd)).toBe(false);
    child.kill();
    await within(p.dispose(), 10);
  });
});
