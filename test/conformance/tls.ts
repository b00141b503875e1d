/**
 * Conformance: TLS specifics — `startTLS` upgrades a plaintext TCP connection (bytes before it in
 * the clear, after it encrypted), a failed handshake is a connect failure, and a TLS transport
 * refuses `detach()` with `DetachNotSupported`.
 */
import type { TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { ConnectError, DetachNotSupported } from '../../src/reactor/errors';
import type { TCPTransport } from '../../src/reactor/interfaces/transport';
import type { SocketTransport } from '../../src/reactor/transports/socket-transport';
import { tlsEndpoint, type TestCertificate } from './endpoints';
import { captureLogs } from '../../src/log';
import { OneShotClientFactory, RecordingProtocol, ServerFactory, runReactor, waitUntil, type FullReactorBuilder } from './helpers';

/** Server side of the STARTTLS test: on "STARTTLS\n" it answers "GO\n" and starts TLS, then echoes. */
class StartTLSServer extends RecordingProtocol {
  secure = false;
  constructor(private readonly certificate: TestCertificate) {
    super();
  }

  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data);
    const transport = this.transport as TCPTransport;
    if (!this.secure && this.received().toString() === 'STARTTLS\n') {
      this.secure = true;
      transport.write('GO\n');
      transport.startTLS({ key: this.certificate.key, cert: this.certificate.cert }, true);
    } else if (this.secure) {
      transport.write(data);
    }
  }
}

export function tlsSuite(builder: FullReactorBuilder, certificate: () => TestCertificate): void {
  describe(`${builder.name}: TLS`, () => {
    it('startTLS upgrades a plaintext connection on both sides', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const server = new ServerFactory(() => new StartTLSServer(certificate()));
        const port = await reactor.listenTCP(0, server, { interface: '127.0.0.1' });
        const host = port.getHost() as { port: number };
        const client = new OneShotClientFactory(new RecordingProtocol());
        reactor.connectTCP('127.0.0.1', host.port, client);
        const p = await client.connected;
        p.transport?.write('STARTTLS\n');
        expect((await p.receivedAtLeast(3)).toString()).toBe('GO\n');
        const transport = p.transport as TCPTransport;
        transport.startTLS({ ca: certificate().cert, servername: 'localhost' }, false);
        transport.write('secret');
        expect((await p.receivedAtLeast(9)).toString()).toBe('GO\nsecret');
        const socket = (transport as unknown as SocketTransport).socket as TLSSocket;
        expect(socket.encrypted).toBe(true);
        expect(socket.authorized).toBe(true);
        const d = transport.detach();
        await expect(d).rejects.toBeInstanceOf(DetachNotSupported);
        transport.loseConnection();
        await p.lost;
        await port.stopListening();
      });
    });

    it('a failed handshake (untrusted certificate) is a connect failure', async () => {
      const logs = captureLogs();
      try {
        await runReactor(builder, builder.build(), async (reactor) => {
        const server = new ServerFactory(() => new RecordingProtocol());
        const port = await tlsEndpoint(certificate).listen(reactor, server);
        const host = port.getHost() as { port: number };
        const client = new OneShotClientFactory(new RecordingProtocol());
        reactor.connectTLS('127.0.0.1', host.port, client, { servername: 'localhost' });
        const reason = await client.failed;
        expect(reason).toBeInstanceOf(ConnectError);
        // The server side goes away too: with TLS 1.3 it saw a complete handshake and then the
        // client's close; otherwise it logs the failed handshake.
        await waitUntil(reactor, () => logs.records.some((r) => r.message === 'TLS handshake failed')
          || (server.protocols.length > 0 && server.protocols.every((p) => p.lostReason !== null)), 5, 'the server side to close');
        await port.stopListening();
        });
      } finally {
        logs.restore();
      }
    });
  });
}
