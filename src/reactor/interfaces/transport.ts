/**
 * Transports and flow control (Twisted's `ITransport`, `ITCPTransport`, `ITLSTransport`,
 * `IHalfCloseableDescriptor`, `IConsumer`, `IPushProducer`, `IPullProducer`, `IProcessTransport`),
 * plus Torsion's first-class fd steal, `detach()`. Tests: test/conformance/tcp.ts,
 * test/conformance/flow-control.ts, test/conformance/detach.ts, test/conformance/process.ts.
 */
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import type { Deferred } from '../../defer/deferred';
import type { Address, ProcessAddress } from './address';

/** Something that can be told to stop, pause and resume producing (Twisted's `IPushProducer`). */
export interface PushProducer {
  pauseProducing(): void;
  resumeProducing(): void;
  stopProducing(): void;
}

/** A producer asked for one more chunk each time the consumer's buffer empties (`IPullProducer`). */
export interface PullProducer {
  resumeProducing(): void;
  stopProducing(): void;
}

/** Anything a producer can write to (Twisted's `IConsumer`). */
export interface Consumer {
  /**
   * Registers a producer. A streaming (push) producer is paused when the write buffer passes its
   * high-water mark and resumed when it drains; a pull producer (`streaming` false) is asked for
   * more each time the buffer drains. Throws `ProducerAlreadyRegistered` if one is registered;
   * calls `stopProducing()` at once if the transport is already disconnected.
   */
  registerProducer(producer: PushProducer | PullProducer, streaming: boolean): void;
  unregisterProducer(): void;
  write(data: Uint8Array | string): void;
}

/** Options for {@link Transport.detach}. */
export interface DetachOptions {
  /** How long to wait for pending writes to reach the kernel, in seconds (default 10). */
  readonly flushTimeout?: number;
}

/**
 * What `detach()` hands over: an fd the caller now owns (a CLOEXEC duplicate; close it with
 * `fs.closeSync` or give it to an element that you close it for), and the bytes Node had read but
 * not yet delivered to the protocol.
 */
export interface DetachedSocket {
  readonly fd: number;
  readonly leftover: Uint8Array;
  readonly host: Address;
  readonly peer: Address;
}

/** A connected byte stream. Writes after the connection is lost are discarded (as in Twisted). */
export interface Transport extends Consumer, PushProducer {
  /** True until the connection is lost or detached. */
  readonly connected: boolean;
  /** True once `loseConnection()` was called (or the transport is gone). */
  readonly disconnecting: boolean;
  /** Writes each chunk in order. */
  writeSequence(data: Iterable<Uint8Array | string>): void;
  /** Closes the connection after flushing pending writes; `connectionLost(ConnectionDone)` follows. */
  loseConnection(): void;
  /** Closes the connection at once, discarding pending writes; `connectionLost(ConnectionAborted)`. */
  abortConnection(): void;
  /** Half-close: flushes, then shuts down our write side (FIN); reading continues. */
  loseWriteConnection(): void;
  getPeer(): Address;
  getHost(): Address;
  /**
   * Takes the socket away from Node (PITFALLS 8–9): stops reading, flushes pending writes (or fails
   * with `DetachFlushError`), duplicates the fd, destroys Node's socket without `end()`, calls the
   * protocol's `connectionLost(ConnectionDetached)`, then fires with a {@link DetachedSocket}.
   * Fails with `AlreadyDetached` on a second call, `ConnectionClosedError` on a closed or closing
   * transport, `DetachNotSupported` on TLS. Loads node-gtk (the dup goes through Gio).
   */
  detach(options?: DetachOptions): Deferred<DetachedSocket>;
}

/** A TCP (or TLS) connection (Twisted's `ITCPTransport`, `ITLSTransport`). */
export interface TCPTransport extends Transport {
  setNoDelay(enabled: boolean): void;
  setKeepAlive(enabled: boolean): void;
  /**
   * Starts TLS on this connection (Twisted's `startTLS`): bytes written before are sent in the
   * clear, bytes written after are encrypted. `server` selects the TLS role. Throws
   * `ConnectionClosedError` if the connection is gone.
   */
  startTLS(options: TlsOptions & ConnectionOptions, server: boolean): void;
}

/** The transport a `ProcessProtocol` gets (Twisted's `IProcessTransport`). */
export interface ProcessTransport {
  /** The child's pid, or null once it has been reaped (or if it never started). */
  readonly pid: number | null;
  /** Writes to the child's stdin. */
  write(data: Uint8Array | string): void;
  writeSequence(data: Iterable<Uint8Array | string>): void;
  /** Writes to a child fd the parent writes to (`'w'` in `childFDs`). */
  writeToChild(childFD: number, data: Uint8Array | string): void;
  /** Closes the parent's end of the pipe to/from `childFD`. */
  closeChildFD(childFD: number): void;
  closeStdin(): void;
  closeStdout(): void;
  closeStderr(): void;
  /** Closes stdin, stdout and stderr (the process itself keeps running). */
  loseConnection(): void;
  /**
   * Sends a signal: `'TERM'`, `'KILL'`, `'INT'`, … (with or without the `SIG` prefix) or a number.
   * Throws `ProcessExitedAlready` once the process has exited.
   */
  signalProcess(signal: string | number): void;
  getPeer(): ProcessAddress;
  getHost(): ProcessAddress;
}
