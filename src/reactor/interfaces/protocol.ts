/**
 * What the reactor calls: Twisted's `IProtocol`, `IHalfCloseableProtocol`, `IProtocolFactory`,
 * `IClientFactory` and `IProcessProtocol`, as interfaces. The base classes that implement them are
 * in `torsion/protocols`; the reactor only relies on these shapes. A throw from any of these methods
 * is logged and closes that one connection. Tests: test/conformance/ (protocol helpers in
 * test/conformance/helpers.ts).
 */
import type { Failure } from '../../defer/failure';
import type { Address } from './address';
import type { Connector } from './connector';
import type { ProcessTransport, Transport } from './transport';

/** Reacts to one connection's events. */
export interface Protocol {
  /** Called once with the connected transport; base classes store it and call `connectionMade()`. */
  makeConnection(transport: Transport): void;
  /** Bytes from the peer, in arbitrary chunks. */
  dataReceived(data: Uint8Array): void;
  /**
   * The connection is gone. `reason.value` is a `ConnectionDone` for a clean close (including
   * `ConnectionDetached` after `detach()`), a `ConnectionLost` (`ConnectionReset`,
   * `ConnectionAborted`, …) otherwise.
   */
  connectionLost(reason: Failure): void;
  /**
   * Optional half-close support (Twisted's `IHalfCloseableProtocol`): the peer finished writing. When
   * present, the connection stays open for writing; when absent, the connection is closed.
   */
  readConnectionLost?(): void;
  /** Optional: our write side was shut down by `loseWriteConnection()`. */
  writeConnectionLost?(): void;
}

/** Builds protocols for incoming (or outgoing) connections. */
export interface Factory {
  /** Returns a protocol for a new connection from `address`, or null to refuse it. */
  buildProtocol(address: Address): Protocol | null;
  /** Called when a port or connector starts using this factory. */
  doStart?(): void;
  /** Called when the port or connector stops using it. */
  doStop?(): void;
}

/** A factory for outgoing connections (Twisted's `ClientFactory`). */
export interface ClientFactory extends Factory {
  /** The connector has started connecting. */
  startedConnecting?(connector: Connector): void;
  /** The connection attempt failed (`ConnectionRefusedError`, `ConnectTimeout`, `DNSLookupError`, …). */
  clientConnectionFailed(connector: Connector, reason: Failure): void;
  /** An established connection was lost. */
  clientConnectionLost(connector: Connector, reason: Failure): void;
}

/** Reacts to a child process (Twisted's `IProcessProtocol`). */
export interface ProcessProtocol {
  /** Called once with the process transport, right after the spawn. */
  makeConnection(transport: ProcessTransport): void;
  /** Bytes from the child on `childFD` (1 = stdout, 2 = stderr, or an extra `childFDs` entry). */
  childDataReceived(childFD: number, data: Uint8Array): void;
  /** The pipe to or from `childFD` was closed. */
  childConnectionLost(childFD: number): void;
  /** The process exited: `ProcessDone`, or `ProcessTerminated` with `exitCode`/`signal`. */
  processExited(reason: Failure): void;
  /** The process exited and all its pipes are closed (same reason as `processExited`). */
  processEnded(reason: Failure): void;
}
