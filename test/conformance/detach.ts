/**
 * Conformance: `detach()` and `adoptStreamConnection()` — the fd steal and its inverse. Bytes after
 * the detach arrive through the adopted fd, bytes Node read but never delivered come back as
 * `leftover`, pending writes are flushed first (or fail with `DetachFlushError`), the protocol gets
 * `ConnectionDetached`, ownership moves once (`AlreadyDetached`, `ConnectionClosedError`), and no fd
 * is left open (the suite's afterEach).
 */
import { closeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConnectionLost } from '../../src/errors';
import {
  AdoptError, AlreadyDetached, ConnectionClosedError, ConnectionDetached, DetachFlushError,
} from '../../src/reactor/errors';
import type { DetachedSocket } from '../../src/reactor/interfaces/transport';
import type { SocketTransport } from '../../src/reactor/transports/socket-transport';
import type { Endpoint } from './endpoints';
import {
  EchoProtocol, OneShotClientFactory, RecordingProtocol, ServerFactory, runReactor, waitUntil, type FullReactorBuilder,
} from './helpers';

async function pair(reactor: Parameters<Endpoint['listen']>[0], endpoint: Endpoint) {
  const server = new ServerFactory(() => new RecordingProtocol());
  const port = await endpoint.listen(reactor, server);
  const client = new OneShotClientFactory(new RecordingProtocol());
  endpoint.connect(reactor, port, client);
  const clientProtocol = await client.connected;
  const serverProtocol = await server.connected;
  await port.stopListening();
  return { clientProtocol, serverProtocol };
}

export function detachSuite(builder: FullReactorBuilder, endpoint: Endpoint): void {
  describe(`${builder.name}: ${endpoint.kind} detach and adopt`, () => {
    it('round trip: leftover bytes come back, later bytes arrive through the adopted fd', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const { clientProtocol, serverProtocol } = await pair(reactor, endpoint);
        const serverTransport = serverProtocol.transport as SocketTransport;
        clientProtocol.transport?.write('AUTH\n');
        await serverProtocol.receivedAtLeast(5);
        serverProtocol.transport?.pauseProducing(); // the protocol stops taking data…
        clientProtocol.transport?.write('LEFT'); // …but Node still reads it into its buffer
        await waitUntil(reactor, () => serverTransport.socket.readableLength >= 4, 5, 'Node to buffer the bytes');
        serverProtocol.transport?.write('OK\n');
        const detached: DetachedSocket = await serverProtocol.transport!.detach();
        expect(Buffer.from(detached.leftover).toString()).toBe('LEFT');
        expect(serverProtocol.received().toString()).toBe('AUTH\n');
        expect(serverProtocol.lostReason?.value).toBeInstanceOf(ConnectionDetached);
        expect(serverProtocol.transport?.connected).toBe(false);
        expect(detached.peer).toEqual(serverProtocol.transport?.getPeer());
        // Adopt the fd and run an echo protocol on it; the client's connection never noticed.
        const echo = new EchoProtocol();
        const adopted = reactor.adoptStreamConnection(detached.fd, new ServerFactory(() => echo));
        expect(adopted.connected).toBe(true);
        clientProtocol.transport?.write('AFTER');
        expect((await clientProtocol.receivedAtLeast(8)).toString()).toBe('OK\nAFTER');
        expect(echo.received().toString()).toBe('AFTER');
        expect(clientProtocol.lostReason).toBeNull();
        clientProtocol.transport?.loseConnection();
        await Promise.all([clientProtocol.lost, echo.lost]);
      });
    });

    it('pending writes are flushed before the fd changes hands', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const { clientProtocol, serverProtocol } = await pair(reactor, endpoint);
        const big = Buffer.alloc(4 << 20, 0x62);
        serverProtocol.transport?.write(big);
        const detached = await serverProtocol.transport!.detach();
        const adopted = reactor.adoptStreamConnection(detached.fd, new ServerFactory(() => new RecordingProtocol()));
        adopted.write('END');
        const all = await clientProtocol.receivedAtLeast(big.length + 3);
        expect(all.subarray(0, big.length).equals(big)).toBe(true);
        expect(all.subarray(big.length).toString()).toBe('END');
        adopted.loseConnection();
        await clientProtocol.lost;
      });
    });

    it('ownership moves once: detach twice, after loseConnection, or a bad fd to adopt are typed errors', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const { clientProtocol, serverProtocol } = await pair(reactor, endpoint);
        const first = serverProtocol.transport!.detach();
        await expect(serverProtocol.transport!.detach()).rejects.toBeInstanceOf(AlreadyDetached);
        const detached = await first;
        closeSync(detached.fd); // we own it: closing it closes the connection
        await clientProtocol.lost;
        await expect(clientProtocol.transport!.detach()).rejects.toBeInstanceOf(ConnectionClosedError);
        expect(() => reactor.adoptStreamConnection(detached.fd, new ServerFactory(() => null))).toThrow(AdoptError);
        const other = await pair(reactor, endpoint);
        other.clientProtocol.transport?.loseConnection();
        await expect(other.clientProtocol.transport!.detach()).rejects.toBeInstanceOf(ConnectionClosedError);
        await Promise.all([other.clientProtocol.lost, other.serverProtocol.lost]);
      });
    });

    it('fails with DetachFlushError when the peer does not read, and closes the connection', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const { clientProtocol, serverProtocol } = await pair(reactor, endpoint);
        clientProtocol.transport?.pauseProducing(); // the peer stops reading
        serverProtocol.transport?.write(Buffer.alloc(16 << 20));
        const error = await serverProtocol.transport!.detach({ flushTimeout: 0.2 }).then(() => null, (e: unknown) => e);
        expect(error).toBeInstanceOf(DetachFlushError);
        expect(serverProtocol.lostReason?.value).toBeInstanceOf(ConnectionLost);
        expect((serverProtocol.lostReason?.value as Error).cause).toBe(error);
        clientProtocol.transport?.resumeProducing(); // reading again, the peer sees the close
        await clientProtocol.lost;
      });
    });
  });
}
