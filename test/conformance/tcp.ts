/**
 * Conformance: TCP-only failures — a port in use is a `CannotListenError`, an unresolvable host a
 * `DNSLookupError`, and a connection that is never accepted (a listener whose queue is full, held
 * by a child python process) a `ConnectTimeout` after the connector's timeout.
 */
import { describe, expect, it } from 'vitest';
import { Deferred } from '../../src/defer/deferred';
import { CannotListenError, ConnectTimeout, DNSLookupError } from '../../src/reactor/errors';
import type { ProcessProtocol } from '../../src/reactor/interfaces/protocol';
import type { ProcessTransport } from '../../src/reactor/interfaces/transport';
import { OneShotClientFactory, RecordingProtocol, ServerFactory, runReactor, type FullReactorBuilder } from './helpers';

/** A listener with a zero-length accept queue that never accepts: the second connection hangs. */
const FULL_QUEUE = `import socket, sys
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)
print(s.getsockname()[1], flush=True)
sys.stdin.read()`;

class PortReader implements ProcessProtocol {
  transport: ProcessTransport | null = null;
  readonly port = new Deferred<number>();
  readonly ended = new Deferred<null>();
  makeConnection(transport: ProcessTransport): void {
    this.transport = transport;
  }
  childDataReceived(fd: number, data: Uint8Array): void {
    if (fd === 1 && !this.port.called) this.port.callback(Number(Buffer.from(data).toString().trim()));
  }
  childConnectionLost(): void {}
  processExited(): void {}
  processEnded(): void {
    this.ended.callback(null);
  }
}

export function tcpSuite(builder: FullReactorBuilder): void {
  describe(`${builder.name}: TCP failures`, () => {
    it('a port in use fails listenTCP with CannotListenError', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const factory = new ServerFactory(() => null);
        const port = await reactor.listenTCP(0, factory, { interface: '127.0.0.1' });
        const taken = (port.getHost() as { port: number }).port;
        const error = await reactor.listenTCP(taken, factory, { interface: '127.0.0.1' }).then(() => null, (e: unknown) => e);
        expect(error).toBeInstanceOf(CannotListenError);
        expect(((error as CannotListenError).cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
        await port.stopListening();
      });
    });

    it('an unresolvable host fails with DNSLookupError', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const client = new OneShotClientFactory(new RecordingProtocol());
        reactor.connectTCP('nonexistent-host.invalid', 80, client, { timeout: 5 });
        expect(await client.failed).toBeInstanceOf(DNSLookupError);
      });
    });

    it('a connection never accepted fails with ConnectTimeout after the timeout', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const reader = new PortReader();
        reactor.spawnProcess(reader, 'python3', ['python3', '-c', FULL_QUEUE]);
        const port = await reader.port;
        const first = new OneShotClientFactory(new RecordingProtocol());
        reactor.connectTCP('127.0.0.1', port, first); // fills the queue
        const firstProtocol = await first.connected;
        const second = new OneShotClientFactory(new RecordingProtocol());
        const start = reactor.seconds();
        const connector = reactor.connectTCP('127.0.0.1', port, second, { timeout: 0.3 });
        const reason = await second.failed;
        expect(reason).toBeInstanceOf(ConnectTimeout);
        expect(reactor.seconds() - start).toBeGreaterThanOrEqual(0.29);
        expect(connector.state).toBe('disconnected');
        firstProtocol.transport?.loseConnection();
        await firstProtocol.lost;
        reader.transport?.closeStdin();
        await reader.ended;
      });
    });
  });
}
