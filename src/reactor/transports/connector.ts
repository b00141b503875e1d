/**
 * Outgoing connections (Twisted's `BaseConnector`/`tcp.Connector`): dials with a Node socket,
 * enforces the timeout with the reactor's clock (`ConnectTimeout`), builds the protocol on success,
 * and reports `clientConnectionFailed`/`clientConnectionLost` to the factory. `connect()` may be
 * called again from those callbacks (reconnecting factories); `doStop` runs once the connector is
 * left disconnected. Tests: test/conformance/tcp.ts, test/conformance/unix.ts, test/conformance/tls.ts.
 */
import type { Socket } from 'node:net';
import type { DelayedCall } from '../../defer/time';
import { Failure } from '../../defer/failure';
import { getLogger } from '../../log';
import { ConnectError, ConnectTimeout } from '../errors';
import type { Address } from '../interfaces/address';
import type { ClientFactory } from '../interfaces/protocol';
import type { Connector } from '../interfaces/reactor';
import type { Transport } from '../interfaces/transport';
import { localTCP, remoteTCP, unixAddress, type StreamKind } from './addresses';
import { connectError } from './node-errors';
import { SocketTransport } from './socket-transport';
import type { TransportHost } from './transport-host';

/** How to dial: a fresh socket per attempt, and the event that means "ready". */
export interface DialSpec {
  readonly kind: StreamKind;
  readonly dial: () => Socket;
  readonly readyEvent: 'connect' | 'secureConnect';
  readonly destination: Address;
  readonly timeout: number;
  readonly description: string;
}

export class SocketConnector implements Connector {
  state: 'disconnected' | 'connecting' | 'connected' = 'disconnected';
  transport: Transport | null = null;
  private factoryStarted = false;
  private socket: Socket | null = null;
  private timer: DelayedCall | null = null;
  private untrack: (() => void) | null = null;

  constructor(private readonly host: TransportHost, private readonly factory: ClientFactory,
    private readonly spec: DialSpec) {}

  connect(): void {
    if (this.state !== 'disconnected') throw new ConnectError("Can't connect in this state: " + this.state);
    this.state = 'connecting';
    if (!this.factoryStarted) {
      this.factoryStarted = true;
      this.safely('doStart', () => this.factory.doStart?.());
    }
    this.safely('startedConnecting', () => this.factory.startedConnecting?.(this));
    if (this.state !== 'connecting') return; // stopped from startedConnecting
    let socket: Socket;
    try {
      socket = this.spec.dial();
    } catch (error) {
      this.failed(connectError(error, this.spec.description));
      return;
    }
    this.socket = socket;
    this.untrack = this.host.track({ closeForShutdown: () => this.abandon(new ConnectError('The reactor shut down.')) });
    this.timer = this.host.callLater(this.spec.timeout, () => this.abandon(new ConnectTimeout(this.spec.timeout)));
    socket.once('error', this.onError);
    socket.once(this.spec.readyEvent, this.onReady);
  }

  stopConnecting(): void {
    if (this.state !== 'connecting') throw new ConnectError('The connector is not connecting.');
    this.abandon(new ConnectError('The connection attempt was stopped.'));
  }

  disconnect(): void {
    if (this.state === 'connecting') this.stopConnecting();
    else if (this.state === 'connected') this.transport?.loseConnection();
  }

  getDestination(): Address {
    return this.spec.destination;
  }

  private readonly onError = (error: unknown): void => {
    this.abandon(connectError(error, this.spec.description));
  };

  private readonly onReady = (): void => {
    const socket = this.socket as Socket;
    this.settle();
    socket.removeListener('error', this.onError);
    const unix = this.spec.kind === 'unix';
    const local = unix ? unixAddress(null) : localTCP(socket);
    const peer = unix ? this.spec.destination : remoteTCP(socket);
    let protocol;
    try {
      protocol = this.factory.buildProtocol(peer);
    } catch (error) {
      getLogger().error('Factory buildProtocol threw', { error });
      protocol = null;
    }
    if (protocol === null) {
      socket.destroy();
      this.failed(new ConnectError('The factory refused to build a protocol.'));
      return;
    }
    this.state = 'connected';
    const transport = new SocketTransport(this.host, socket, this.spec.kind, local, peer, (reason) => {
      this.transport = null;
      this.state = 'disconnected';
      this.safely('clientConnectionLost', () => this.factory.clientConnectionLost(this, reason));
      this.maybeStop();
    });
    this.transport = transport;
    transport.attach(protocol);
  };

  private abandon(error: ConnectError): void {
    if (this.state !== 'connecting') return;
    const socket = this.socket;
    this.settle();
    if (socket !== null) {
      socket.removeListener(this.spec.readyEvent, this.onReady);
      socket.on('error', () => undefined);
      socket.destroy();
    }
    this.failed(error);
  }

  /** Clears the attempt's timer, socket and registry entry. */
  private settle(): void {
    if (this.timer?.active() === true) this.timer.cancel();
    this.timer = null;
    this.untrack?.();
    this.untrack = null;
    this.socket = null;
  }

  private failed(error: ConnectError): void {
    this.state = 'disconnected';
    this.safely('clientConnectionFailed', () => this.factory.clientConnectionFailed(this, new Failure(error)));
    this.maybeStop();
  }

  private maybeStop(): void {
    if (this.state === 'disconnected' && this.factoryStarted) {
      this.factoryStarted = false;
      this.safely('doStop', () => this.factory.doStop?.());
    }
  }

  private safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      getLogger().error(`Client factory ${what} threw`, { error });
    }
  }
}
