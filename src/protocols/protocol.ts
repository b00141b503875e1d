/**
 * `Protocol`: the base class for connection handlers (Twisted's `protocol.Protocol`). The reactor
 * calls `makeConnection(transport)` once, then `dataReceived` with arbitrary chunks, then
 * `connectionLost(reason)`. Subclasses override the hooks; they never touch sockets (STYLE.md
 * rule 2). Tests: test/protocols/protocol.test.ts.
 */
import type { Failure } from '../defer/failure';
import type { Factory as FactoryInterface, Protocol as ProtocolInterface } from '../reactor/interfaces/protocol';
import type { Transport } from '../reactor/interfaces/transport';

/** Handles one connection. */
export class Protocol implements ProtocolInterface {
  /** The transport, set by `makeConnection` (null before). */
  transport: Transport | null = null;
  /** True from `makeConnection` until the base `connectionLost` runs. */
  connected = false;
  /** The factory that built this protocol (set by `Factory.buildProtocol`), if any. */
  factory: FactoryInterface | null = null;

  /**
   * Stores the transport, marks the protocol connected and calls `connectionMade()`. Returns what
   * it returned, so the transport sees an `async connectionMade` whose Promise rejects (and closes
   * the connection, as for a throw) instead of an unhandled rejection.
   */
  makeConnection(transport: Transport): void {
    this.transport = transport;
    this.connected = true;
    return this.connectionMade();
  }

  /** Called once the connection is up; `this.transport` is set. Override to greet the peer. */
  connectionMade(): void {
    // hook
  }

  /** Bytes from the peer, in arbitrary chunks. The default discards them. */
  dataReceived(_data: Uint8Array): void {
    // hook
  }

  /**
   * The connection is gone (`reason.value` is a `ConnectionDone` for a clean close). Overrides
   * should call `super.connectionLost(reason)` so that `connected` becomes false.
   */
  connectionLost(_reason: Failure): void {
    this.connected = false;
  }
}

/**
 * The transport of a connected protocol; throws a `TypeError` naming the protocol when there is
 * none yet (a bug in the caller, not a peer's doing).
 */
export function requireTransport(protocol: { readonly transport: Transport | null }): Transport {
  const transport = protocol.transport;
  if (transport === null) throw new TypeError(`${protocol.constructor.name} is not connected: no transport yet`);
  return transport;
}
