/**
 * StreamerProcess and Porter.start with real child processes (test/protocols/porter/fixtures/child.ts):
 * ready/exited bookkeeping, a pass that reaches the child with its prefix, the 503 the porter
 * writes itself when the streamer is gone by the time of the pass, and start() failing when a
 * streamer exits before it is ready. Waits on events with deadlines.
 */
import { fork } from 'node:child_process';
import { createServer, connect, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../../src/testing/index';
import { PorterError, PorterPassFailed } from '../../../src/protocols/porter/errors';
import { Porter } from '../../../src/protocols/porter/porter';
import { StreamerProcess } from '../../../src/protocols/porter/streamer-process';
import { dupFd } from '../../../src/reactor/transports/dup-fd';

const fixture = fileURLToPath(new URL('./fixtures/child.ts', import.meta.url));
const execArgv = ['--import', 'tsx'];

function within<T>(p: PromiseLike<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e); });
  });
}

/** An accepted server-side socket's fd (an owned dup) and the client reading everything. */
async function connection(): Promise<{ fd: number; received: Promise<string>; close: () => void }> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const accepted = new Promise<Socket>((r) => srv.once('connection', r));
  const client = connect((srv.address() as { port: number }).port, '127.0.0.1');
  client.on('error', () => undefined);
  const server = await accepted;
  const fd = dupFd((server as unknown as { _handle: { fd: number } })._handle.fd);
  server.destroy();
  const chunks: Buffer[] = [];
  client.on('data', (d: Buffer) => chunks.push(d));
  const received = new Promise<string>((r) => client.on('close', () => r(Buffer.concat(chunks).toString())));
  return { fd, received, close: () => { client.destroy(); srv.close(); } };
}

describe('StreamerProcess', () => {
  it('passes a connection with its prefix; after the child exits, answers 503 itself', async () => {
    const streamer = StreamerProcess.fork({ name: 'x', paths: ['/x'], modulePath: fixture, args: ['ready'], execArgv });
    await within(streamer.ready, 20_000, 'ready');
    expect(streamer.state).toBe('ready');
    expect(streamer.announced).toEqual(['/x']);

    const one = await connection();
    await within(streamer.pass(one.fd, Buffer.from('GET /x HTTP/1.0\r\n'), '/x'), 5000, 'pass');
    expect(await within(one.received, 5000, 'echo')).toBe('echo:GET /x HTTP/1.0\r\n');
    expect(streamer.passed).toBe(1);
    one.close();

    streamer.kill('SIGKILL');
    const exit = await within(streamer.exited, 5000, 'exit');
    expect(exit.signal).toBe('SIGKILL');
    expect(streamer.state).toBe('gone');

    const two = await connection();
    const failed = await within(streamer.pass(two.fd, Buffer.from('GET /x HTTP/1.0\r\n'), '/x').then(() => null, (e: unknown) => e), 5000, 'pass after exit');
    expect(failed).toBeInstanceOf(PorterPassFailed);
    expect(await within(two.received, 5000, '503')).toMatch(/^HTTP\/1\.0 503 [^]*Retry-After: 5/);
    two.close();
  }, 30_000);

  it('fails ready (and Porter.start) when a streamer exits before announcing itself', async () => {
    const porter = new Porter({ time: new Clock(), streamers: [{ name: 'quitter', paths: ['/q'], modulePath: fixture, args: ['exit'], execArgv }] });
    const error = await within(porter.start().then(() => null, (e: unknown) => e), 20_000, 'start');
    expect(error).toBeInstanceOf(PorterPassFailed);
    expect(porter.streamer('quitter')?.state).toBe('gone');
    expect((await within(porter.streamer('quitter')?.exited ?? Promise.reject(new Error('none')), 5000, 'exit')).code).toBe(3);
  }, 30_000);

  it('adopts a child forked by the caller, drops it when it announces stopping; refuses duplicate names', async () => {
    const child = fork(fixture, ['ready'], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const streamer = new StreamerProcess('mine', child);
    await within(streamer.ready, 20_000, 'ready');
    expect(streamer.pid).toBe(child.pid);
    // a streamer that announces it is stopping is dropped at once
    const stopping = new Promise<void>((r) => child.on('message', (m: { type?: string }) => { if (m.type === 'stopping') r(); }));
    child.send({ type: 'please-stop' });
    await within(stopping, 5000, 'stopping');
    expect(streamer.state).toBe('gone');
    await within(streamer.kill(), 5000, 'kill');
    expect(() => new Porter({ time: new Clock(), streamers: [
      { name: 'a', paths: ['/1'], modulePath: fixture }, { name: 'a', paths: ['/2'], modulePath: fixture },
    ] })).toThrow(PorterError);
  }, 30_000);
});
