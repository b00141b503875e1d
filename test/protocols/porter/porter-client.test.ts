/**
 * PorterClient on a stand-in IPC channel with real sockets: announces its paths, adopts a passed
 * socket (a dup; Node's copy destroyed without end(), so the peer can still talk to the dup),
 * replays the prefix, ignores foreign messages, refuses to start without a channel.
 */
import { EventEmitter } from 'node:events';
import { fstatSync } from 'node:fs';
import { createServer, connect, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { PorterError } from '../../../src/protocols/porter/errors';
import type { PassMessage, ReadyMessage, StoppingMessage } from '../../../src/protocols/porter/messages';
import { PorterClient, type PorterChannel } from '../../../src/protocols/porter/porter-client';
import type { Factory } from '../../../src/reactor/interfaces/protocol';
import type { Transport } from '../../../src/reactor/interfaces/transport';
import { StringTransport } from '../../../src/testing/index';
import { text } from '../splits';

class Channel extends EventEmitter implements PorterChannel {
  sent: Array<ReadyMessage | StoppingMessage> = [];
  connected = true;
  send = (m: ReadyMessage | StoppingMessage): boolean => { this.sent.push(m); return true; };
}

/** A connected pair of Node sockets over loopback TCP. */
async function pair(): Promise<{ server: Socket; client: Socket; close: () => void }> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const accepted = new Promise<Socket>((r) => srv.once('connection', r));
  const client = connect((srv.address() as { port: number }).port, '127.0.0.1');
  const server = await accepted;
  client.on('error', () => undefined);
  return { server, client, close: () => { client.destroy(); server.destroy(); srv.close(); } };
}

describe('PorterClient', () => {
  it('announces its paths and adopts a passed socket with the prefix replayed first', async () => {
    const channel = new Channel();
    const adopted: Array<{ fd: number; factory: Factory }> = [];
    const reactor = { adoptStreamConnection: (fd: number, factory: Factory): Transport => { adopted.push({ fd, factory }); return new StringTransport(); } };
    const inner: string[] = [];
    const factory: Factory = { buildProtocol: () => ({ makeConnection: () => inner.push('made'), dataReceived: (d) => inner.push(text(d)), connectionLost: () => undefined }) };
    const client = new PorterClient({ reactor, factory, paths: ['/a', '/b/'], channel });
    client.start();
    expect(channel.sent).toEqual([{ torsionPorter: 1, type: 'ready', paths: ['/a', '/b/'] }]);

    const { server, client: peer, close } = await pair();
    const pass: PassMessage = { torsionPorter: 1, type: 'pass', path: '/a', prefix: Buffer.from('GET /a HTTP/1.0\r\n').toString('base64') };
    channel.emit('message', { type: 'something else' }, undefined);
    channel.emit('message', pass, server);
    expect(adopted).toHaveLength(1);
    expect(client.received).toBe(1);
    expect(server.destroyed).toBe(true);
    const { fd, factory: wrapped } = adopted[0] as { fd: number; factory: Factory };
    expect(fstatSync(fd).isSocket()).toBe(true);
    wrapped.buildProtocol(new StringTransport().getPeer())?.makeConnection(new StringTransport());
    expect(inner).toEqual(['made', 'GET /a HTTP/1.0\r\n']);

    // Node's copy was destroyed without end(): no FIN reached the peer, and the dup still writes
    // (after a shutdown(SHUT_WR) the write would fail with EPIPE and the FIN would come first).
    let ended = false;
    peer.on('end', () => { ended = true; });
    peer.on('error', () => undefined);
    const dup = new Socket({ fd, readable: false, writable: true });
    dup.on('error', () => undefined);
    const got = new Promise<string>((resolve) => peer.once('data', (d: Buffer) => resolve(d.toString())));
    dup.write('from the dup');
    expect(await got).toBe('from the dup');
    expect(ended).toBe(false);
    dup.destroy();
    client.stop();
    expect(channel.listenerCount('message')).toBe(0);
    expect(channel.sent.at(-1)).toEqual({ torsionPorter: 1, type: 'stopping' });
    close();
  });

  it('refuses to start without an IPC channel', () => {
    const channel = new Channel() as Channel & { send?: unknown };
    delete (channel as { send?: unknown }).send;
    const client = new PorterClient({ reactor: { adoptStreamConnection: () => new StringTransport() }, factory: { buildProtocol: () => null }, paths: [], channel: channel as PorterChannel });
    expect(() => client.start()).toThrow(PorterError);
  });

  it('ignores a pass message without a socket; does not write to a closed channel', () => {
    const channel = new Channel();
    let adopted = 0;
    const client = new PorterClient({ reactor: { adoptStreamConnection: () => { adopted++; return new StringTransport(); } }, factory: { buildProtocol: () => null }, paths: ['/a'], channel });
    client.start();
    channel.emit('message', { torsionPorter: 1, type: 'pass', path: '/a', prefix: '' }, undefined);
    expect(adopted).toBe(0);
    channel.connected = false; // the porter is gone: stop() does not try to tell it
    client.stop();
    expect(channel.sent.map((m) => m.type)).toEqual(['ready']);
  });
});
