/**
 * Listening ports over a Node `net.Server` or `tls.Server` (Twisted's `tcp.Port`/`unix.Port`):
 * each accepted socket gets a protocol from the factory and a `SocketTransport`. Node binds
 * asynchronously, so `listen` returns a Deferred that fails with `CannotListenError`.
 * `stopListening` closes only the listening socket; accepted connections stay up.
 * Tests: test/conformance/tcp.ts, test/conformance/unix.ts, test/conformance/tls.ts.
 */
import { chmodSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import { Deferred } from '../../defer/deferred';
import { getLogger } from '../../log';
import { CannotListenError } from '../errors';
import type { Address } from '../interfaces/address';
import type { Factory } from '../interfaces/protocol';
import type { ListeningPort } from '../interfaces/reactor';
import { remoteTCP, localTCP, serverAddress, unixAddress, type StreamKind } from './addresses';
import { SocketTransport } from './socket-transport';
import type { TransportHost } from './transport-host';

/** Where and how to listen. */
export interface ListenSpec {
  readonly kind: StreamKind;
  readonly server: Server;
  /** The event that delivers a ready socket: `connection`, or `secureConnection` for TLS. */
  readonly connectionEvent: 'connection' | 'secureConnection';
  readonly listen: { port: number; host: string; backlog: number } | { path: string; backlog: number };
  readonly mode?: number;
  readonly description: string;
}

export class ServerPort implements ListeningPort {
  private stopped: Deferred<void> | null = null;
  private untrack: (() => void) | null = null;
  private address: Address = unixAddress(null);

  private constructor(private readonly host: TransportHost, private readonly factory: Factory,
    private readonly spec: ListenSpec) {}

  /** Starts listening; fires with the port once bound. */
  static listen(host: TransportHost, factory: Factory, spec: ListenSpec): Deferred<ListeningPort> {
    const port = new ServerPort(host, factory, spec);
    const ready = new Deferred<ListeningPort>();
    const { server } = spec;
    const onError = (error: Error): void => {
      server.removeListener('listening', onListening);
      server.close();
      ready.errback(new CannotListenError(spec.description, { cause: error }));
    };
    const onListening = (): void => {
      server.removeListener('error', onError);
      server.on('error', (error: Error) => getLogger().error('Listening socket error', { port: spec.description, error }));
      port.started();
      ready.callback(port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.on(spec.connectionEvent, (socket: Socket) => port.accept(socket));
    if (spec.kind === 'tls') {
      server.on('tlsClientError', (error: Error) => getLogger().info('TLS handshake failed', { port: spec.description, error }));
    }
    try {
      server.listen(spec.listen);
    } catch (error) {
      onError(error instanceof Error ? error : new Error(String(error)));
    }
    return ready;
  }

  getHost(): Address {
    return this.address;
  }

  stopListening(): Deferred<void> {
    if (this.stopped !== null) return this.stopped;
    const done = new Deferred<void>();
    this.stopped = done;
    this.untrack?.();
    this.untrack = null;
    this.spec.server.close(); // the listening fd is closed now; 'close' waits for accepted connections
    try {
      this.factory.doStop?.();
    } catch (error) {
      getLogger().error('Factory doStop threw', { error });
    }
    void Promise.resolve().then(() => done.callback(undefined));
    return done;
  }

  private started(): void {
    const { spec } = this;
    this.address = 'path' in spec.listen ? serverAddress(spec.server, spec.listen.path) : serverAddress(spec.server);
    if (spec.mode !== undefined && 'path' in spec.listen && !spec.listen.path.startsWith('\0')) {
      chmodSync(spec.listen.path, spec.mode);
    }
    this.untrack = this.host.track({ closeForShutdown: () => void this.stopListening() });
    try {
      this.factory.doStart?.();
    } catch (error) {
      getLogger().error('Factory doStart threw', { error });
    }
  }

  private accept(socket: Socket): void {
    if (this.stopped !== null) {
      socket.destroy();
      return;
    }
    const unix = this.spec.kind === 'unix';
    const peer = unix ? unixAddress(null) : remoteTCP(socket);
    const local = unix ? this.address : localTCP(socket);
    let protocol;
    try {
      protocol = this.factory.buildProtocol(peer);
    } catch (error) {
      getLogger().error('Factory buildProtocol threw; dropping the connection', { error, peer });
      socket.destroy();
      return;
    }
    if (protocol === null) {
      socket.destroy();
      return;
    }
    new SocketTransport(this.host, socket, this.spec.kind, local, peer).attach(protocol);
  }
}
