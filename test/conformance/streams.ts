/**
 * Conformance: stream transports (TCP, UNIX, TLS) — echo with addresses and clean closes, half-close,
 * peers without half-close support, abort, refused connections, a throwing protocol closes only its
 * connection, writes after close are dropped, shutdown closes what is open.
 */
import { describe, expect, it } from 'vitest';
import { ConnectionDone, ConnectionLost } from '../../src/errors';
import { captureLogs } from '../../src/log';
import { ConnectionAborted, ConnectionRefusedError } from '../../src/reactor/errors';
import type { Reactor } from '../../src/reactor/interfaces/reactor';
import type { Endpoint } from './endpoints';
import {
  EchoProtocol, HalfCloseEcho, OneShotClientFactory, RecordingProtocol, ServerFactory, runReactor, type FullReactorBuilder,
} from './helpers';

/** Listens with `make`, connects one RecordingProtocol client; returns everything. */
async function connectPair<P extends RecordingProtocol>(reactor: Reactor, endpoint: Endpoint, make: () => P) {
  const server = new ServerFactory(() => make());
  const port = await endpoint.listen(reactor, server);
  const client = new OneShotClientFactory(new RecordingProtocol());
  const connector = endpoint.connect(reactor, port, client);
  const clientProtocol = await client.connected;
  const serverProtocol = await server.connected;
  await serverProtocol.made;
  return { server, port, client, connector, clientProtocol, serverProtocol };
}

export function streamSuite(builder: FullReactorBuilder, endpoint: Endpoint): void {
  describe(`${builder.name}: ${endpoint.kind} streams`, () => {
    it('echoes, reports addresses, and closes cleanly on both sides', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const { server, port, client, connector, clientProtocol, serverProtocol } = await connectPair(reactor, endpoint, () => new EchoProtocol());
        expect(server.started).toBe(1);
        expect(connector.state).toBe('connected');
        clientProtocol.transport?.writeSequence(['hel', Buffer.from('lo')]);
        expect((await clientProtocol.receivedAtLeast(5)).toString()).toBe('hello');
        const host = port.getHost();
        if (endpoint.kind === 'unix') {
          expect(host.type).toBe('UNIX');
          expect(serverProtocol.transport?.getHost()).toEqual(host);
          expect(clientProtocol.transport?.getPeer()).toEqual(host);
        } else {
          expect(host).toMatchObject({ type: 'TCP', host: '127.0.0.1', family: 'IPv4' });
          expect(clientProtocol.transport?.getPeer()).toMatchObject({ type: 'TCP', port: (host as { port: number }).port });
          expect(serverProtocol.transport?.getPeer()).toEqual(clientProtocol.transport?.getHost());
        }
        clientProtocol.transport?.loseConnection();
        clientProtocol.transport?.write('dropped after loseConnection');
        const [mine, theirs, lost] = await Promise.all([clientProtocol.lost, serverProtocol.lost, client.lost]);
        expect(mine).toBeInstanceOf(ConnectionDone);
        expect(theirs).toBeInstanceOf(ConnectionDone);
        expect(lost).toBeInstanceOf(ConnectionDone);
        expect(serverProtocol.received().toString()).toBe('hello');
        expect(client.stopped).toBe(1);
        expect(connector.state).toBe('disconnected');
        await port.stopListening();
        expect(server.stopped).toBe(1);
      });
    });

    it('a server-side loseConnection flushes pending writes first', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const { clientProtocol, serverProtocol } = await connectPair(reactor, endpoint, () => new RecordingProtocol());
        const big = Buffer.alloc(1 << 20, 0x61);
        serverProtocol.transport?.write(big);
        serverProtocol.transport?.loseConnection();
        const reason = await clientProtocol.lost;
        expect(clientProtocol.received().length).toBe(big.length);
        expect(reason).toBeInstanceOf(ConnectionDone);
      });
    });

    // TLS transports close fully on the peer's EOF (see posix-reactor.ts): no half-close there.
    if (endpoint.kind !== 'tls') {
      it('half-close: the peer\'s EOF reaches readConnectionLost and we can still write', async () => {
        await runReactor(builder, builder.build(), async (reactor) => {
          const { clientProtocol, serverProtocol } = await connectPair(reactor, endpoint, () => new HalfCloseEcho());
          clientProtocol.transport?.write('abc');
          clientProtocol.transport?.loseWriteConnection();
          const reason = await clientProtocol.lost;
          expect(clientProtocol.received().toString()).toBe('got:abc');
          expect(reason).toBeInstanceOf(ConnectionDone);
          expect(serverProtocol.readEnded).toBe(true);
          expect((await serverProtocol.lost)).toBeInstanceOf(ConnectionDone);
        });
      });

    }

    it('a protocol without half-close support is closed cleanly on the peer\'s EOF', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const { clientProtocol, serverProtocol } = await connectPair(reactor, endpoint, () => new RecordingProtocol());
        clientProtocol.transport?.loseWriteConnection();
        expect((await serverProtocol.lost)).toBeInstanceOf(ConnectionDone);
        expect((await clientProtocol.lost)).toBeInstanceOf(ConnectionDone);
      });
    });

    it('abortConnection gives ConnectionAborted here and a lost connection there', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const { clientProtocol, serverProtocol } = await connectPair(reactor, endpoint, () => new RecordingProtocol());
        clientProtocol.transport?.write(Buffer.alloc(1 << 16));
        clientProtocol.transport?.abortConnection();
        expect((await clientProtocol.lost)).toBeInstanceOf(ConnectionAborted);
        const theirs = await serverProtocol.lost;
        expect(theirs).toBeInstanceOf(endpoint.kind === 'tcp' ? ConnectionLost : Error);
      });
    });

    it('a throwing protocol callback closes only its own connection, logged', async () => {
      const logs = captureLogs();
      try {
        await runReactor(builder, builder.build(), async (reactor) => {
          class Fragile extends EchoProtocol {
            override dataReceived(data: Uint8Array): void {
              if (Buffer.from(data).toString() === 'boom') throw new Error('protocol boom');
              super.dataReceived(data);
            }
          }
          const server = new ServerFactory(() => new Fragile());
          const port = await endpoint.listen(reactor, server);
          const a = new OneShotClientFactory(new RecordingProtocol());
          const b = new OneShotClientFactory(new RecordingProtocol());
          endpoint.connect(reactor, port, a);
          endpoint.connect(reactor, port, b);
          const [pa, pb] = await Promise.all([a.connected, b.connected]);
          pa.transport?.write('boom');
          const lostA = await pa.lost;
          expect(lostA).toBeInstanceOf(Error);
          const serverA = server.protocols.find((p) => p.lostReason !== null);
          expect(serverA?.lostReason?.value).toBeInstanceOf(ConnectionLost);
          expect((serverA?.lostReason?.value.cause as Error).message).toBe('protocol boom');
          pb.transport?.write('still here');
          expect((await pb.receivedAtLeast(10)).toString()).toBe('still here');
          pb.transport?.loseConnection();
          await pb.lost;
          await port.stopListening();
        });
      } finally {
        logs.restore();
      }
      expect(logs.records.some((r) => r.level === 'error' && r.message.includes('dataReceived threw'))).toBe(true);
    });

    it('a refused connection fails with ConnectionRefusedError', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const port = await endpoint.listen(reactor, new ServerFactory(() => null));
        await port.stopListening();
        const client = new OneShotClientFactory(new RecordingProtocol());
        endpoint.connect(reactor, port, client);
        const reason = await client.failed;
        expect(reason).toBeInstanceOf(ConnectionRefusedError);
        expect(client.stopped).toBe(1);
      });
    });

    it('shutdown closes open connections and listening ports', async () => {
      let serverSide: RecordingProtocol | null = null;
      await runReactor(builder, builder.build(), async (reactor) => {
        const { serverProtocol } = await connectPair(reactor, endpoint, () => new RecordingProtocol());
        serverSide = serverProtocol;
      });
      const s = serverSide as RecordingProtocol | null;
      expect(s?.lostReason?.value).toBeInstanceOf(ConnectionLost);
    });
  });
}
