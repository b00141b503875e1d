/**
 * Networking and processes shared by both real reactors: TCP, UNIX, TLS, child processes and fd
 * adoption over Node's `net`/`tls`/`child_process` (like Twisted's `posixbase`). TCP and unix
 * sockets are half-close capable (`allowHalfOpen`); TLS ones are not (a TLS server with
 * `allowHalfOpen` keeps a socket whose peer left mid-handshake open forever, measured on Node 20). Tests: test/conformance/ (every transport suite runs on
 * NodeReactor and GLibReactor).
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Deferred } from '../defer/deferred';
import type { ClientFactory, Factory, ProcessProtocol } from './interfaces/protocol';
import type {
  ConnectOptions, Connector, ListeningPort, ListenOptions, ListenUNIXOptions, Reactor, SpawnOptions,
} from './interfaces/reactor';
import type { ProcessTransport, Transport } from './interfaces/transport';
import type { LoopDriverFactory } from './loop-driver';
import { ReactorBase } from './reactor-base';
import { tcpAddress, unixAddress } from './transports/addresses';
import { adoptStreamConnection } from './transports/adopt';
import { SocketConnector } from './transports/connector';
import { ChildProcessTransport } from './transports/process-transport';
import { ServerPort } from './transports/server-port';

const DEFAULT_BACKLOG = 50;
const DEFAULT_TIMEOUT = 30;

function bindHost(iface: string | undefined): string {
  return iface === undefined || iface === '' ? '0.0.0.0' : iface;
}

function dialTCP(host: string, port: number, options: ConnectOptions): net.TcpNetConnectOpts {
  const bind = options.bindAddress;
  return {
    host, port, allowHalfOpen: true,
    ...(bind === undefined ? {} : { localAddress: bind.host, ...(bind.port === undefined ? {} : { localPort: bind.port }) }),
  };
}

export abstract class PosixReactor extends ReactorBase implements Reactor {
  protected constructor(driverFactory: LoopDriverFactory) {
    super(driverFactory);
  }

  listenTCP(port: number, factory: Factory, options: ListenOptions = {}): Deferred<ListeningPort> {
    const host = bindHost(options.interface);
    return ServerPort.listen(this, factory, {
      kind: 'tcp', server: net.createServer({ allowHalfOpen: true }), connectionEvent: 'connection',
      listen: { port, host, backlog: options.backlog ?? DEFAULT_BACKLOG }, description: `${host}:${port}`,
    });
  }

  connectTCP(host: string, port: number, factory: ClientFactory, options: ConnectOptions = {}): Connector {
    return this.startConnector(factory, {
      kind: 'tcp', dial: () => net.connect(dialTCP(host, port, options)), readyEvent: 'connect',
      destination: tcpAddress(host, port), timeout: options.timeout ?? DEFAULT_TIMEOUT, description: `${host}:${port}`,
    });
  }

  listenUNIX(path: string, factory: Factory, options: ListenUNIXOptions = {}): Deferred<ListeningPort> {
    return ServerPort.listen(this, factory, {
      kind: 'unix', server: net.createServer({ allowHalfOpen: true }), connectionEvent: 'connection',
      listen: { path, backlog: options.backlog ?? DEFAULT_BACKLOG },
      ...(options.mode === undefined ? {} : { mode: options.mode }), description: path,
    });
  }

  connectUNIX(path: string, factory: ClientFactory, options: { readonly timeout?: number } = {}): Connector {
    return this.startConnector(factory, {
      kind: 'unix', dial: () => net.connect({ path, allowHalfOpen: true }), readyEvent: 'connect',
      destination: unixAddress(path), timeout: options.timeout ?? DEFAULT_TIMEOUT, description: path,
    });
  }

  listenTLS(port: number, factory: Factory, tlsOptions: tls.TlsOptions, options: ListenOptions = {}): Deferred<ListeningPort> {
    const host = bindHost(options.interface);
    return ServerPort.listen(this, factory, {
      kind: 'tls', server: tls.createServer({ minVersion: 'TLSv1.2', ...tlsOptions, allowHalfOpen: false }), connectionEvent: 'secureConnection',
      listen: { port, host, backlog: options.backlog ?? DEFAULT_BACKLOG }, description: `tls:${host}:${port}`,
    });
  }

  connectTLS(host: string, port: number, factory: ClientFactory, tlsOptions: tls.ConnectionOptions,
    options: ConnectOptions = {}): Connector {
    return this.startConnector(factory, {
      kind: 'tls',
      dial: () => {
        const { allowHalfOpen: _halfOpen, ...tcp } = dialTCP(host, port, options); // TLS: no half-close
        return tls.connect({ servername: net.isIP(host) === 0 ? host : undefined, ...tlsOptions, ...tcp });
      },
      readyEvent: 'secureConnect', destination: tcpAddress(host, port), timeout: options.timeout ?? DEFAULT_TIMEOUT,
      description: `tls:${host}:${port}`,
    });
  }

  spawnProcess(protocol: ProcessProtocol, executable: string, args: readonly string[],
    options: SpawnOptions = {}): ProcessTransport {
    return new ChildProcessTransport(protocol, executable, args, options);
  }

  adoptStreamConnection(fd: number, factory: Factory): Transport {
    return adoptStreamConnection(this, fd, factory);
  }

  private startConnector(factory: ClientFactory, spec: ConstructorParameters<typeof SocketConnector>[2]): Connector {
    const connector = new SocketConnector(this, factory, spec);
    connector.connect();
    return connector;
  }
}
