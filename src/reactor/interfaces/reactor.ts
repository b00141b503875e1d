/**
 * The reactor's narrow capability interfaces (Twisted's `IReactorCore`, `IReactorTCP`,
 * `IReactorUNIX`, `IReactorSSL`, `IReactorProcess`, `IReactorSocket`). Code takes the narrowest one
 * it needs (STYLE.md rule 1). Tests: the conformance suite, test/conformance/.
 */
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import type { Deferred } from '../../defer/deferred';
import type { ReactorTime } from '../../defer/time';
import type { ClientFactory, Factory, ProcessProtocol } from './protocol';
import type { Connector, ListeningPort } from './connector';
import type { ProcessTransport, Transport } from './transport';

export type { Connector, ListeningPort } from './connector';

/** The three phases of a system event, in firing order. */
export type SystemEventPhase = 'before' | 'during' | 'after';
/** The system events a reactor fires itself. Others may be fired with `fireSystemEvent`. */
export type SystemEventType = 'startup' | 'shutdown' | (string & {});

/** An opaque handle returned by `addSystemEventTrigger`. */
export interface TriggerId {
  readonly phase: SystemEventPhase;
  readonly event: string;
}

/** Options for {@link ReactorCore.run}. */
export interface RunOptions {
  /** Install SIGINT/SIGTERM handlers that run a graceful `stop()` (default true). */
  readonly installSignalHandlers?: boolean;
}

/** Twisted's `IReactorCore`. */
export interface ReactorCore {
  /** True from "during startup" until the loop stops. */
  readonly running: boolean;
  /**
   * Fires the startup event, then runs the loop until `stop()` or `crash()`. Returns at once; the
   * Deferred fires (with undefined) when the loop has stopped and, after `stop()`, every shutdown
   * trigger has run. Throws `ReactorAlreadyRunning` or `ReactorNotRestartable`.
   */
  run(options?: RunOptions): Deferred<void>;
  /**
   * Fires the shutdown event (on a later turn, never synchronously), then stops the loop.
   * Throws `ReactorNotRunning` if not running or already stopping.
   */
  stop(): void;
  /** Stops the loop at once, without shutdown triggers. `run()` may be called again afterwards. */
  crash(): void;
  /** Runs `fn(...args)` now if running, else once the reactor has started. */
  callWhenRunning<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): TriggerId | undefined;
  /**
   * Adds a trigger. A `before` trigger may return a Deferred (or a Promise): the `during` phase waits
   * for all of them. A throw is logged and does not stop the other triggers.
   */
  addSystemEventTrigger<A extends unknown[]>(phase: SystemEventPhase, event: SystemEventType,
    fn: (...args: A) => unknown, ...args: A): TriggerId;
  /** Removes a trigger; throws `UnknownTriggerError` if it is not registered. */
  removeSystemEventTrigger(id: TriggerId): void;
  /** Fires the three phases of `event`; the Deferred fires when the `after` phase has run. */
  fireSystemEvent(event: SystemEventType): Deferred<void>;
}

/** Options for the `listen*` calls. */
export interface ListenOptions {
  /** Listen queue length (default 50). */
  readonly backlog?: number;
  /** The IP literal to bind (default all IPv4 interfaces: `''` means `0.0.0.0`). */
  readonly interface?: string;
}

/** Options for the `connect*` calls. */
export interface ConnectOptions {
  /** Seconds before the attempt fails with `ConnectTimeout` (default 30). */
  readonly timeout?: number;
  /** Local address to bind before connecting. */
  readonly bindAddress?: { readonly host: string; readonly port?: number };
}

/** Options for `listenUNIX`. */
export interface ListenUNIXOptions {
  readonly backlog?: number;
  /** File mode for the socket path (e.g. 0o600); applied after binding. */
  readonly mode?: number;
}

/** Twisted's `IReactorTCP`. Listening is asynchronous in Node, so `listenTCP` returns a Deferred. */
export interface ReactorTCP {
  /** Fires with the port once it listens; fails with `CannotListenError`. */
  listenTCP(port: number, factory: Factory, options?: ListenOptions): Deferred<ListeningPort>;
  connectTCP(host: string, port: number, factory: ClientFactory, options?: ConnectOptions): Connector;
}

/** Twisted's `IReactorUNIX` (stream sockets; a path starting with `\0` is Linux's abstract namespace). */
export interface ReactorUNIX {
  listenUNIX(path: string, factory: Factory, options?: ListenUNIXOptions): Deferred<ListeningPort>;
  connectUNIX(path: string, factory: ClientFactory, options?: { readonly timeout?: number }): Connector;
}

/** Twisted's `IReactorSSL`, with Node's TLS options in place of a context factory. */
export interface ReactorTLS {
  listenTLS(port: number, factory: Factory, tlsOptions: TlsOptions, options?: ListenOptions): Deferred<ListeningPort>;
  connectTLS(host: string, port: number, factory: ClientFactory, tlsOptions: ConnectionOptions,
    options?: ConnectOptions): Connector;
}

/**
 * What the parent does with a child fd: `'w'` the parent writes (the child reads, e.g. stdin), `'r'`
 * the parent reads, a number passes that parent fd through, `'ignore'` connects /dev/null.
 */
export type ChildFDSpec = 'r' | 'w' | 'ignore' | number;

/** Options for `spawnProcess`. */
export interface SpawnOptions {
  /** The child's environment (default: a copy of `process.env`, unlike Twisted's empty default). */
  readonly env?: Readonly<Record<string, string>>;
  /** The child's working directory. */
  readonly path?: string;
  /** The child's fds (default `{0: 'w', 1: 'r', 2: 'r'}`). */
  readonly childFDs?: Readonly<Record<number, ChildFDSpec>>;
}

/** Twisted's `IReactorProcess`. */
export interface ReactorProcess {
  /**
   * Starts `executable` with `args` — `args[0]` is the program name the child sees (argv[0]), as in
   * Twisted. A failure to start is reported as `processEnded(ProcessTerminated)` with the cause.
   */
  spawnProcess(protocol: ProcessProtocol, executable: string, args: readonly string[],
    options?: SpawnOptions): ProcessTransport;
}

/** Twisted's `IReactorSocket`, for connected stream sockets. */
export interface ReactorSocket {
  /**
   * Runs a protocol (built by `factory` for the peer address) on an already-connected TCP or unix
   * stream socket. The reactor takes ownership of `fd` (it is closed with the connection); the
   * factory's `doStart`/`doStop` are not called. Throws `AdoptError` if `fd` is not a socket.
   */
  adoptStreamConnection(fd: number, factory: Factory): Transport;
}

/** Everything a full reactor provides. */
export interface Reactor extends ReactorTime, ReactorCore, ReactorTCP, ReactorUNIX, ReactorTLS,
  ReactorProcess, ReactorSocket {}
