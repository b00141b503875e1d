/**
 * `MemoryReactor`: a reactor double (Twisted's `MemoryReactorClock`). Time is a {@link Clock}
 * (`advance`, `pump`); the core (run/stop/crash, triggers) behaves like the real reactors, driven by
 * that clock; `listen*`/`connect*`/`spawnProcess`/`adoptStreamConnection` only record their
 * arguments (with the factories) for the test to inspect and drive. Tests:
 * test/testing/memory-reactor.test.ts and test/conformance/memory.test.ts.
 */
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import { Deferred, succeed } from '../defer/deferred';
import type { DelayedCall } from '../defer/time';
import { ReactorAlreadyRunning, ReactorNotRestartable, ReactorNotRunning } from '../reactor/errors';
import type { Address } from '../reactor/interfaces/address';
import type { ClientFactory, Factory, ProcessProtocol } from '../reactor/interfaces/protocol';
import type {
  ConnectOptions, Connector, ListeningPort, ListenOptions, ListenUNIXOptions, Reactor, RunOptions,
  SpawnOptions, SystemEventPhase, SystemEventType, TriggerId,
} from '../reactor/interfaces/reactor';
import type { Transport } from '../reactor/interfaces/transport';
import { SystemEvents } from '../reactor/system-events';
import { Clock } from './clock';
import { StringProcessTransport } from './string-process-transport';
import { StringTransport } from './string-transport';

/** A recorded `listen*` call. */
export interface ListenRecord<O> {
  readonly address: Address;
  readonly factory: Factory;
  readonly options: O;
  readonly port: MemoryListeningPort;
}

/** A recorded `connect*` call. */
export interface ConnectRecord<O> {
  readonly address: Address;
  readonly factory: ClientFactory;
  readonly options: O;
  readonly connector: MemoryConnector;
}

/** The port a recorded listen returns. */
export class MemoryListeningPort implements ListeningPort {
  listening = true;
  constructor(private readonly address: Address) {}
  getHost(): Address {
    return this.address;
  }
  stopListening(): Deferred<void> {
    this.listening = false;
    return succeed(undefined);
  }
}

/** The connector a recorded connect returns; the test drives the factory itself. */
export class MemoryConnector implements Connector {
  state: 'disconnected' | 'connecting' | 'connected' = 'connecting';
  transport: Transport | null = null;
  stoppedConnecting = false;
  disconnected = false;
  constructor(private readonly destination: Address) {}
  connect(): void {
    this.state = 'connecting';
  }
  stopConnecting(): void {
    this.stoppedConnecting = true;
    this.state = 'disconnected';
  }
  disconnect(): void {
    this.disconnected = true;
    this.state = 'disconnected';
  }
  getDestination(): Address {
    return this.destination;
  }
}

const tcp = (host: string, port: number): Address => ({ type: 'TCP', family: host.includes(':') ? 'IPv6' : 'IPv4', host, port });

export class MemoryReactor implements Reactor {
  readonly clock = new Clock();
  readonly tcpServers: Array<ListenRecord<ListenOptions>> = [];
  readonly tcpClients: Array<ConnectRecord<ConnectOptions>> = [];
  readonly unixServers: Array<ListenRecord<ListenUNIXOptions>> = [];
  readonly unixClients: Array<ConnectRecord<{ readonly timeout?: number }>> = [];
  readonly tlsServers: Array<ListenRecord<ListenOptions & { tls: TlsOptions }>> = [];
  readonly tlsClients: Array<ConnectRecord<ConnectOptions & { tls: ConnectionOptions }>> = [];
  readonly processes: Array<{ protocol: ProcessProtocol; executable: string; args: readonly string[];
    options: SpawnOptions; transport: StringProcessTransport }> = [];
  readonly adoptedStreamConnections: Array<{ fd: number; factory: Factory; transport: StringTransport }> = [];
  hasRun = false;
  hasStopped = false;
  hasCrashed = false;
  private readonly events = new SystemEvents();
  private isRunning = false;
  private started = false;
  private stopping = false;
  private runDeferred: Deferred<void> | null = null;
  private nextPort = 40000;

  constructor() {
    this.addStartupTrigger();
    this.events.add('during', 'shutdown', () => this.crash(), []);
  }

  // ReactorTime, through the Clock
  seconds(): number {
    return this.clock.seconds();
  }
  callLater<A extends unknown[]>(delaySeconds: number, fn: (...args: A) => unknown, ...args: A): DelayedCall {
    return this.clock.callLater(delaySeconds, fn, ...args);
  }
  getDelayedCalls(): DelayedCall[] {
    return this.clock.getDelayedCalls();
  }
  /** Moves the clock forward (see `Clock.advance`). */
  advance(seconds: number): void {
    this.clock.advance(seconds);
  }

  // ReactorCore
  get running(): boolean {
    return this.isRunning;
  }

  /** Fires the startup event synchronously; the Deferred fires when stopped or crashed. */
  run(_options?: RunOptions): Deferred<void> {
    if (this.started) throw new ReactorAlreadyRunning();
    if (this.hasStopped) throw new ReactorNotRestartable();
    this.started = true;
    this.hasRun = true;
    const done = new Deferred<void>();
    this.runDeferred = done;
    this.events.fire('startup');
    return done;
  }

  /** Schedules the shutdown event on the clock (`advance(0)` runs it). */
  stop(): void {
    if (!this.started || this.stopping) throw new ReactorNotRunning();
    this.stopping = true;
    this.hasStopped = true;
    this.clock.callLater(0, () => this.events.fire('shutdown'));
  }

  crash(): void {
    if (!this.started) return;
    this.hasCrashed = true;
    this.started = false;
    this.isRunning = false;
    this.stopping = false;
    this.addStartupTrigger();
    const done = this.runDeferred;
    this.runDeferred = null;
    done?.callback(undefined);
  }

  callWhenRunning<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): TriggerId | undefined {
    if (this.isRunning) {
      fn(...args);
      return undefined;
    }
    return this.events.add('after', 'startup', fn, args);
  }

  addSystemEventTrigger<A extends unknown[]>(phase: SystemEventPhase, event: SystemEventType,
    fn: (...args: A) => unknown, ...args: A): TriggerId {
    return this.events.add(phase, event, fn, args);
  }

  removeSystemEventTrigger(id: TriggerId): void {
    this.events.remove(id);
  }

  fireSystemEvent(event: SystemEventType): Deferred<void> {
    return this.events.fire(event);
  }

  // Recording the rest
  listenTCP(port: number, factory: Factory, options: ListenOptions = {}): Deferred<ListeningPort> {
    const address = tcp(options.interface === undefined || options.interface === '' ? '0.0.0.0' : options.interface,
      port === 0 ? this.nextPort++ : port);
    const record = { address, factory, options, port: new MemoryListeningPort(address) };
    this.tcpServers.push(record);
    return succeed<ListeningPort>(record.port);
  }

  connectTCP(host: string, port: number, factory: ClientFactory, options: ConnectOptions = {}): Connector {
    const connector = new MemoryConnector(tcp(host, port));
    this.tcpClients.push({ address: connector.getDestination(), factory, options, connector });
    return connector;
  }

  listenUNIX(path: string, factory: Factory, options: ListenUNIXOptions = {}): Deferred<ListeningPort> {
    const address: Address = { type: 'UNIX', path };
    const record = { address, factory, options, port: new MemoryListeningPort(address) };
    this.unixServers.push(record);
    return succeed<ListeningPort>(record.port);
  }

  connectUNIX(path: string, factory: ClientFactory, options: { readonly timeout?: number } = {}): Connector {
    const connector = new MemoryConnector({ type: 'UNIX', path });
    this.unixClients.push({ address: connector.getDestination(), factory, options, connector });
    return connector;
  }

  listenTLS(port: number, factory: Factory, tlsOptions: TlsOptions, options: ListenOptions = {}): Deferred<ListeningPort> {
    const address = tcp(options.interface === undefined || options.interface === '' ? '0.0.0.0' : options.interface,
      port === 0 ? this.nextPort++ : port);
    const record = { address, factory, options: { ...options, tls: tlsOptions }, port: new MemoryListeningPort(address) };
    this.tlsServers.push(record);
    return succeed<ListeningPort>(record.port);
  }

  connectTLS(host: string, port: number, factory: ClientFactory, tlsOptions: ConnectionOptions,
    options: ConnectOptions = {}): Connector {
    const connector = new MemoryConnector(tcp(host, port));
    this.tlsClients.push({ address: connector.getDestination(), factory, options: { ...options, tls: tlsOptions }, connector });
    return connector;
  }

  spawnProcess(protocol: ProcessProtocol, executable: string, args: readonly string[],
    options: SpawnOptions = {}): StringProcessTransport {
    const transport = new StringProcessTransport();
    this.processes.push({ protocol, executable, args, options, transport });
    return transport;
  }

  /** Records the call and connects a protocol from `factory` to a `StringTransport`. */
  adoptStreamConnection(fd: number, factory: Factory): Transport {
    const transport = new StringTransport();
    this.adoptedStreamConnections.push({ fd, factory, transport });
    factory.buildProtocol(transport.getPeer())?.makeConnection(transport);
    return transport;
  }

  private addStartupTrigger(): void {
    this.events.add('during', 'startup', () => {
      this.isRunning = true;
    }, []);
  }
}
