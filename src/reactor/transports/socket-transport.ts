/**
 * The transport over a Node stream socket — TCP, unix or TLS (Twisted's `tcp.Connection`): writes,
 * half-close, push/pull producers driven by the socket's high-water mark, clean versus lost closes,
 * `startTLS`, and `detach()` (implemented in `detach.ts`). A throw from a protocol method is logged
 * and closes this connection only, with `ConnectionLost` (its `cause` is the thrown error); so is a
 * rejection of the Promise an `async` protocol method returns (unobserved, Node would end the
 * process on it). Tests: test/conformance/tcp.ts, test/conformance/flow-control.ts,
 * test/conformance/detach.ts, test/reliability/user-exceptions.test.ts.
 */
import type { Socket } from 'node:net';
import * as tls from 'node:tls';
import type { Deferred } from '../../defer/deferred';
import { Failure } from '../../defer/failure';
import { ConnectionDone, ConnectionLost } from '../../errors';
import { getLogger } from '../../log';
import { ConnectionAborted, ConnectionClosedError, ProducerAlreadyRegistered } from '../errors';
import type { Address } from '../interfaces/address';
import type { Protocol } from '../interfaces/protocol';
import type {
  DetachedSocket, DetachOptions, PullProducer, PushProducer, TCPTransport,
} from '../interfaces/transport';
import type { StreamKind } from './addresses';
import { detachSocket, type TransportState } from './detach';
import { lostError } from './node-errors';
import type { TransportHost } from './transport-host';

export type { TransportState } from './detach';

/**
 * If a protocol method returned a thenable (an `async` method: the interface says `void`, but
 * TypeScript lets a Promise through), observe its rejection with `onError`.
 */
function whenRejected(result: unknown, onError: (error: unknown) => void): void {
  if (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function') {
    (result as PromiseLike<unknown>).then(undefined, onError);
  }
}

function ignoreError(): void {
  // recorded by the transport's own listener while it is wired
}

export class SocketTransport implements TCPTransport {
  /** @internal */ socket: Socket;
  /** @internal */ state: TransportState = 'open';
  /** @internal */ kind: StreamKind;
  /** @internal */ protocol: Protocol | null = null;
  disconnecting = false;
  private producer: PushProducer | PullProducer | null = null;
  private streamingProducer = false;
  private producerPaused = false;
  private readClosed = false;
  /** @internal */ writeClosed = false;
  private aborted = false;
  private failure: Error | null = null;
  private lastError: unknown = null;
  private readonly untrack: () => void;
  private readonly listeners: Array<[string, (...args: unknown[]) => void]> = [];

  constructor(
    /** @internal */ readonly host: TransportHost,
    socket: Socket,
    kind: StreamKind,
    private readonly hostAddress: Address,
    private readonly peerAddress: Address,
    private readonly onLost?: (reason: Failure) => void,
  ) {
    this.socket = socket;
    this.kind = kind;
    this.untrack = host.track({ closeForShutdown: () => this.closeNow(new ConnectionLost('The reactor shut down.')) });
  }

  get connected(): boolean {
    return this.state === 'open' || this.state === 'detaching';
  }

  /** @internal Wires the socket and hands the transport to the protocol. */
  attach(protocol: Protocol): void {
    this.protocol = protocol;
    this.wire(this.socket);
    this.callProtocol('makeConnection', () => protocol.makeConnection(this));
  }

  write(data: Uint8Array | string): void {
    if (this.state !== 'open' || this.disconnecting || this.writeClosed) return;
    const chunk = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (chunk.length === 0) return;
    const ok = this.socket.write(chunk);
    if (!ok && this.producer !== null && this.streamingProducer && !this.producerPaused) {
      this.producerPaused = true;
      this.callProducer(() => (this.producer as PushProducer).pauseProducing());
    }
  }

  writeSequence(data: Iterable<Uint8Array | string>): void {
    if (this.state !== 'open') return;
    this.socket.cork();
    try {
      for (const chunk of data) this.write(chunk);
    } finally {
      this.socket.uncork();
    }
  }

  loseConnection(): void {
    if (this.state !== 'open' || this.disconnecting) return;
    this.disconnecting = true;
    this.socket.pause();
    if (this.writeClosed) {
      this.socket.destroy();
      return;
    }
    this.writeClosed = true;
    this.socket.end(() => this.socket.destroy());
  }

  abortConnection(): void {
    if (this.state !== 'open' && this.state !== 'detaching') return;
    this.aborted = true;
    this.disconnecting = true;
    const socket = this.socket as Socket & { resetAndDestroy?: () => Socket };
    // An RST (SO_LINGER 0) like Twisted's abort, but only with nothing queued: with pending writes
    // Node's reset never completes and the handle leaks (measured on Node 20).
    const queued = (socket as unknown as { _handle?: { writeQueueSize?: number } | null })._handle?.writeQueueSize ?? 0;
    if (this.kind === 'tcp' && typeof socket.resetAndDestroy === 'function' && socket.readyState === 'open'
      && socket.writableLength === 0 && queued === 0) {
      try {
        socket.resetAndDestroy();
        return;
      } catch {
        // fall through to a plain destroy
      }
    }
    this.socket.destroy();
  }

  loseWriteConnection(): void {
    if (this.state !== 'open' || this.disconnecting || this.writeClosed) return;
    this.writeClosed = true;
    this.socket.end(() => {
      if (this.state !== 'open') return;
      this.callProtocol('writeConnectionLost', () => this.protocol?.writeConnectionLost?.());
      if (this.readClosed) this.socket.destroy();
    });
  }

  getPeer(): Address {
    return this.peerAddress;
  }

  getHost(): Address {
    return this.hostAddress;
  }

  setNoDelay(enabled: boolean): void {
    this.socket.setNoDelay(enabled);
  }

  setKeepAlive(enabled: boolean): void {
    this.socket.setKeepAlive(enabled);
  }

  // --- the transport as a push producer (pauses reading) ----------------------------------------

  pauseProducing(): void {
    if (this.state === 'open') this.socket.pause();
  }

  resumeProducing(): void {
    if (this.state === 'open' && !this.disconnecting) this.socket.resume();
  }

  stopProducing(): void {
    this.loseConnection();
  }

  // --- consumer ---------------------------------------------------------------------------------

  registerProducer(producer: PushProducer | PullProducer, streaming: boolean): void {
    if (this.producer !== null) throw new ProducerAlreadyRegistered();
    if (this.state !== 'open') {
      producer.stopProducing();
      return;
    }
    this.producer = producer;
    this.streamingProducer = streaming;
    this.producerPaused = false;
    if (streaming) {
      if (this.socket.writableNeedDrain) {
        this.producerPaused = true;
        (producer as PushProducer).pauseProducing();
      }
    } else {
      this.pullMore();
    }
  }

  unregisterProducer(): void {
    this.producer = null;
    this.producerPaused = false;
  }

  // --- TLS and detach ---------------------------------------------------------------------------

  startTLS(options: tls.TlsOptions & tls.ConnectionOptions, server: boolean): void {
    if (this.state !== 'open' || this.disconnecting) throw new ConnectionClosedError();
    const raw = this.socket;
    this.unwire();
    const secure = server
      ? new tls.TLSSocket(raw, { ...options, isServer: true, secureContext: options.secureContext ?? tls.createSecureContext(options) })
      : tls.connect({ ...options, socket: raw });
    this.socket = secure;
    this.kind = 'tls';
    this.wire(secure);
  }

  detach(options: DetachOptions = {}): Deferred<DetachedSocket> {
    return detachSocket(this, options.flushTimeout ?? 10);
  }

  // --- internals used by detach.ts --------------------------------------------------------------

  /** @internal Removes our listeners from the current socket. */
  unwire(): void {
    for (const [event, fn] of this.listeners) this.socket.removeListener(event, fn);
    this.listeners.length = 0;
  }

  /** @internal Ends the transport's life: state, producer, registry, then the protocol and owner callbacks. */
  finish(reason: Error, state: 'closed' | 'detached' = 'closed'): void {
    if (this.state === 'closed' || this.state === 'detached') return;
    this.state = state;
    this.disconnecting = true;
    this.unwire();
    this.untrack();
    const producer = this.producer;
    this.producer = null;
    if (producer !== null) this.callProducer(() => producer.stopProducing());
    const failure = new Failure(reason);
    const protocol = this.protocol;
    if (protocol !== null) {
      const logLost = (error: unknown): void => getLogger().error('Protocol connectionLost threw', { error, peer: this.peerAddress });
      try {
        whenRejected(protocol.connectionLost(failure), logLost);
      } catch (error) {
        logLost(error);
      }
    }
    this.onLost?.(failure);
  }

  /** @internal Closes at once with `reason` (shutdown, protocol errors, failed detach). */
  closeNow(reason: Error): void {
    if (this.state === 'closed' || this.state === 'detached') return;
    this.failure = reason;
    this.socket.destroy();
    this.finish(reason);
  }

  // --- private ----------------------------------------------------------------------------------

  private wire(socket: Socket): void {
    // A socket must never be left without an 'error' listener: an error emitted after we unwire
    // (a late ECONNRESET) would be thrown from inside the loop.
    if (!socket.listeners('error').includes(ignoreError)) socket.on('error', ignoreError);
    const on = <A extends unknown[]>(event: string, fn: (...args: A) => void): void => {
      const listener = fn as unknown as (...args: unknown[]) => void;
      socket.on(event, listener);
      this.listeners.push([event, listener]);
    };
    on('data', (chunk: Buffer) => {
      if (this.state === 'open') this.callProtocol('dataReceived', () => this.protocol?.dataReceived(chunk));
    });
    on('end', () => this.onReadEnd());
    on('drain', () => this.onDrain());
    on('error', (error: unknown) => {
      this.lastError = error;
    });
    on('close', () => this.onClose());
  }

  private onReadEnd(): void {
    if (this.state !== 'open') return;
    this.readClosed = true;
    const protocol = this.protocol;
    if (protocol?.readConnectionLost !== undefined && !this.disconnecting && this.kind !== 'tls') {
      this.callProtocol('readConnectionLost', () => protocol.readConnectionLost?.());
      if (this.writeClosed && this.socket.writableFinished) this.socket.destroy();
      return;
    }
    this.loseConnection();
    if (this.disconnecting && this.writeClosed && this.socket.writableFinished) this.socket.destroy();
  }

  private onDrain(): void {
    if (this.producer === null || this.state !== 'open') return;
    if (this.streamingProducer) {
      if (!this.producerPaused) return;
      this.producerPaused = false;
      this.callProducer(() => (this.producer as PushProducer | null)?.resumeProducing());
    } else {
      this.pullMore();
    }
  }

  private pullMore(): void {
    const producer = this.producer;
    if (producer === null || this.streamingProducer || this.state !== 'open') return;
    this.callProducer(() => producer.resumeProducing());
    if (this.producer === producer && !this.socket.writableNeedDrain) {
      this.host.callLater(0, () => this.pullMore());
    }
  }

  private onClose(): void {
    if (this.state === 'closed' || this.state === 'detached') return;
    let reason: Error;
    if (this.failure !== null) reason = this.failure;
    else if (this.aborted) reason = new ConnectionAborted();
    else if (this.lastError !== null) reason = lostError(this.lastError);
    else if (this.readClosed || this.disconnecting) reason = new ConnectionDone();
    else reason = new ConnectionLost('The socket closed before the peer finished.');
    this.finish(reason);
  }

  private callProtocol(what: string, fn: () => unknown): void {
    const failed = (error: unknown): void => {
      getLogger().error(`Protocol ${what} threw; closing the connection`, { error, peer: this.peerAddress });
      this.closeNow(new ConnectionLost(`Protocol ${what} threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
    };
    try {
      whenRejected(fn(), failed);
    } catch (error) {
      failed(error);
    }
  }

  private callProducer(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      getLogger().error('Producer threw; closing the connection', { error });
      this.closeNow(new ConnectionLost('Producer threw', { cause: error }));
    }
  }
}
