/**
 * Reactor-level errors (Twisted's `twisted.internet.error`), each a {@link TorsionError} with a stable
 * code listed under "Reactor" in docs/errors.md. Tests: test/reactor/errors.test.ts and the
 * conformance suite (test/conformance/).
 */
import { ConnectionDone, ConnectionLost, TorsionError, type TorsionErrorOptions } from '../errors';

/** `cancel()`/`delay()`/`reset()` on a delayed call that has already run. */
export class AlreadyCalled extends TorsionError {
  override readonly code: string = 'TORSION_ERR_CALL_ALREADY_CALLED';
  constructor(message = 'The delayed call has already been called.') {
    super(message);
  }
}

/** `cancel()`/`delay()`/`reset()` on a delayed call that has already been cancelled. */
export class AlreadyCancelled extends TorsionError {
  override readonly code: string = 'TORSION_ERR_CALL_ALREADY_CANCELLED';
  constructor(message = 'The delayed call has already been cancelled.') {
    super(message);
  }
}

/** `stop()` on a reactor that is not running (or is already stopping). */
export class ReactorNotRunning extends TorsionError {
  override readonly code: string = 'TORSION_ERR_REACTOR_NOT_RUNNING';
  constructor(message = "Can't stop a reactor that isn't running.") {
    super(message);
  }
}

/** `run()` on a reactor that is already running. */
export class ReactorAlreadyRunning extends TorsionError {
  override readonly code: string = 'TORSION_ERR_REACTOR_ALREADY_RUNNING';
  constructor(message = 'The reactor is already running.') {
    super(message);
  }
}

/** `run()` on a reactor that was stopped with `stop()` (only `crash()` allows a restart). */
export class ReactorNotRestartable extends TorsionError {
  override readonly code: string = 'TORSION_ERR_REACTOR_NOT_RESTARTABLE';
  constructor(message = "A stopped reactor can't be restarted; build a new one.") {
    super(message);
  }
}

/** `removeSystemEventTrigger` with an id that is not (or no longer) registered. */
export class UnknownTriggerError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_UNKNOWN_TRIGGER';
}

/** A listening socket could not be opened (address in use, permission, bad interface, …). */
export class CannotListenError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_CANNOT_LISTEN';
  constructor(readonly address: string, options?: TorsionErrorOptions) {
    super(`Couldn't listen on ${address}${describeCause(options?.cause)}`, options);
  }
}

/** An outgoing connection attempt failed; the base of the more precise connect errors. */
export class ConnectError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_CONNECT';
  constructor(message = 'An error occurred while connecting.', options?: TorsionErrorOptions) {
    super(message, options);
  }
}

/** The peer refused the connection (ECONNREFUSED, or ENOENT for a unix socket path). */
export class ConnectionRefusedError extends ConnectError {
  override readonly code: string = 'TORSION_ERR_CONNECTION_REFUSED';
  constructor(message = 'Connection was refused by the other side.', options?: TorsionErrorOptions) {
    super(message, options);
  }
}

/** The connection was not established within the connector's `timeout`. */
export class ConnectTimeout extends ConnectError {
  override readonly code: string = 'TORSION_ERR_CONNECT_TIMEOUT';
  constructor(readonly seconds: number, options?: TorsionErrorOptions) {
    super(`Connection was not established within ${seconds} s.`, options);
  }
}

/** The host name could not be resolved. */
export class DNSLookupError extends ConnectError {
  override readonly code: string = 'TORSION_ERR_DNS_LOOKUP';
  constructor(readonly host: string, options?: TorsionErrorOptions) {
    super(`DNS lookup failed for ${host}${describeCause(options?.cause)}`, options);
  }
}

/** The peer reset the connection (ECONNRESET, EPIPE). */
export class ConnectionReset extends ConnectionLost {
  override readonly code: string = 'TORSION_ERR_CONNECTION_RESET';
  constructor(message = 'Connection was reset by the other side.', options?: TorsionErrorOptions) {
    super(message, options);
  }
}

/** The connection was closed with `abortConnection()` (Twisted's `ConnectionAborted`). */
export class ConnectionAborted extends ConnectionLost {
  override readonly code: string = 'TORSION_ERR_CONNECTION_ABORTED';
  constructor(message = 'Connection was aborted locally.', options?: TorsionErrorOptions) {
    super(message, options);
  }
}

/**
 * The reason given to `connectionLost` after a successful `detach()`: the socket lives on, owned by
 * whoever took the fd. A subclass of `ConnectionDone`, so it counts as a clean end.
 */
export class ConnectionDetached extends ConnectionDone {
  override readonly code: string = 'TORSION_ERR_CONNECTION_DETACHED';
  constructor(message = 'The socket was detached from the reactor; its fd now has another owner.') {
    super(message);
  }
}

/** `detach()` on a transport that is already detaching or detached: ownership moves only once. */
export class AlreadyDetached extends TorsionError {
  override readonly code: string = 'TORSION_ERR_ALREADY_DETACHED';
  constructor(message = 'The transport has already been detached.') {
    super(message);
  }
}

/** An operation that needs a live connection (`detach`, `startTLS`) on a closed or closing one. */
export class ConnectionClosedError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_CONNECTION_CLOSED';
  constructor(message = 'The connection is closed or closing.') {
    super(message);
  }
}

/**
 * `detach()` could not flush the pending writes (the peer went away, or the flush took longer than
 * `flushTimeout`). The connection is closed and no fd is handed over.
 */
export class DetachFlushError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_DETACH_FLUSH';
  constructor(message = 'Pending writes could not be flushed before detaching.', options?: TorsionErrorOptions) {
    super(message, options);
  }
}

/** `detach()` on a TLS transport: its plaintext exists only inside Node (PITFALLS 19). */
export class DetachNotSupported extends TorsionError {
  override readonly code: string = 'TORSION_ERR_DETACH_NOT_SUPPORTED';
  constructor(message = "A TLS transport can't be detached: its plaintext only exists inside Node. Use the TLS bridge (torsion/gst) instead.") {
    super(message);
  }
}

/** `adoptStreamConnection` got something that is not an open stream socket fd. */
export class AdoptError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_ADOPT';
}

/** `registerProducer` while another producer is registered. */
export class ProducerAlreadyRegistered extends TorsionError {
  override readonly code: string = 'TORSION_ERR_PRODUCER_ALREADY_REGISTERED';
  constructor(message = 'A producer is already registered; unregister it first.') {
    super(message);
  }
}

/** A child process exited with code 0 (the reason given to `processExited`/`processEnded`). */
export class ProcessDone extends ConnectionDone {
  override readonly code: string = 'TORSION_ERR_PROCESS_DONE';
  readonly exitCode = 0;
  readonly signal = null;
  constructor(message = 'A process has ended without apparent errors.') {
    super(message);
  }
}

/** A child process exited with a non-zero code, was killed by a signal, or could not be started. */
export class ProcessTerminated extends ConnectionLost {
  override readonly code: string = 'TORSION_ERR_PROCESS_TERMINATED';
  constructor(readonly exitCode: number | null, readonly signal: string | null, options?: TorsionErrorOptions) {
    super(signal !== null ? `A process was terminated by signal ${signal}.`
      : exitCode !== null ? `A process has ended with a probable error condition: process ended with exit code ${exitCode}.`
        : `A process could not be started${describeCause(options?.cause)}`, options);
  }
}

/** `signalProcess` (or a write) on a process that has already exited. */
export class ProcessExitedAlready extends TorsionError {
  override readonly code: string = 'TORSION_ERR_PROCESS_EXITED_ALREADY';
  constructor(message = 'The process has already exited.') {
    super(message);
  }
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? `: ${cause.message}` : '.';
}
