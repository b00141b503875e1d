/**
 * What `listen*` and `connect*` return (Twisted's `IListeningPort`, `IConnector`); kept apart from
 * the reactor interfaces so the protocol interfaces can name a `Connector` without a cycle.
 * Tests: test/conformance/streams.ts.
 */
import type { Deferred } from '../../defer/deferred';
import type { Address } from './address';
import type { Transport } from './transport';

/** A listening socket (Twisted's `IListeningPort`). */
export interface ListeningPort {
  /** The bound address (with the real port when listening on port 0). */
  getHost(): Address;
  /** Closes the listening socket (connections already accepted stay open). */
  stopListening(): Deferred<void>;
}

/** An outgoing connection attempt and its connection (Twisted's `IConnector`). */
export interface Connector {
  readonly state: 'disconnected' | 'connecting' | 'connected';
  /** Starts (again) connecting; allowed when disconnected (used for reconnecting). */
  connect(): void;
  /** Abandons a connection attempt in progress (`clientConnectionFailed` with a `ConnectError`). */
  stopConnecting(): void;
  /** Aborts the attempt, or loses the established connection. */
  disconnect(): void;
  getDestination(): Address;
  /** The connected transport, or null. */
  readonly transport: Transport | null;
}
