/**
 * `StringTransport`: a transport that records what a protocol writes (Twisted's
 * `proto_helpers.StringTransport`), so protocols are tested without sockets. It never calls the
 * protocol back: `loseConnection` only sets `disconnecting`; `connectedPair` (iosim.ts) builds on it
 * to deliver bytes and close events. Tests: test/testing/string-transport.test.ts.
 */
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import { fail, type Deferred } from '../defer/deferred';
import { DetachNotSupported, ProducerAlreadyRegistered } from '../reactor/errors';
import type { Address, TCPAddress } from '../reactor/interfaces/address';
import type {
  DetachedSocket, PullProducer, PushProducer, TCPTransport,
} from '../reactor/interfaces/transport';

/** The default addresses: host 10.0.0.1:12345, peer 192.168.1.1:54321 (Twisted's). */
const DEFAULT_HOST: TCPAddress = { type: 'TCP', family: 'IPv4', host: '10.0.0.1', port: 12345 };
const DEFAULT_PEER: TCPAddress = { type: 'TCP', family: 'IPv4', host: '192.168.1.1', port: 54321 };

export interface StringTransportOptions {
  readonly hostAddress?: Address;
  readonly peerAddress?: Address;
}

export class StringTransport implements TCPTransport {
  /** Every non-empty write, in order. */
  readonly writes: Buffer[] = [];
  disconnecting = false;
  /** True once `abortConnection()` was called. */
  aborted = false;
  /** True once `loseWriteConnection()` was called. */
  writeClosed = false;
  /** The registered producer and whether it streams. */
  producer: PushProducer | PullProducer | null = null;
  streaming = false;
  /** What was done to this transport as a producer (reading paused/resumed/stopped). */
  producerState: 'producing' | 'paused' | 'stopped' = 'producing';
  /** The options `startTLS` was called with, if any. */
  tls: { options: TlsOptions & ConnectionOptions; server: boolean } | null = null;
  noDelay = false;
  keepAlive = false;
  protected readonly hostAddress: Address;
  protected readonly peerAddress: Address;

  constructor(options: StringTransportOptions = {}) {
    this.hostAddress = options.hostAddress ?? DEFAULT_HOST;
    this.peerAddress = options.peerAddress ?? DEFAULT_PEER;
  }

  get connected(): boolean {
    return !this.disconnecting && !this.aborted;
  }

  /** Everything written so far, joined. */
  value(): Buffer {
    return Buffer.concat(this.writes);
  }

  /** Forgets what was written. */
  clear(): void {
    this.writes.length = 0;
  }

  write(data: Uint8Array | string): void {
    const chunk = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    if (chunk.length > 0) this.writes.push(chunk);
  }

  writeSequence(data: Iterable<Uint8Array | string>): void {
    for (const chunk of data) this.write(chunk);
  }

  loseConnection(): void {
    this.disconnecting = true;
  }

  abortConnection(): void {
    this.aborted = true;
    this.disconnecting = true;
  }

  loseWriteConnection(): void {
    this.writeClosed = true;
  }

  getPeer(): Address {
    return this.peerAddress;
  }

  getHost(): Address {
    return this.hostAddress;
  }

  setNoDelay(enabled: boolean): void {
    this.noDelay = enabled;
  }

  setKeepAlive(enabled: boolean): void {
    this.keepAlive = enabled;
  }

  startTLS(options: TlsOptions & ConnectionOptions, server: boolean): void {
    this.tls = { options, server };
  }

  /** A StringTransport has no fd: fails with `DetachNotSupported`. */
  detach(): Deferred<DetachedSocket> {
    return fail(new DetachNotSupported('A StringTransport has no fd to detach.'));
  }

  registerProducer(producer: PushProducer | PullProducer, streaming: boolean): void {
    if (this.producer !== null) throw new ProducerAlreadyRegistered();
    this.producer = producer;
    this.streaming = streaming;
    if (!streaming) producer.resumeProducing();
  }

  unregisterProducer(): void {
    this.producer = null;
  }

  pauseProducing(): void {
    this.checkState();
    this.producerState = 'paused';
  }

  resumeProducing(): void {
    this.checkState();
    this.producerState = 'producing';
  }

  stopProducing(): void {
    this.producerState = 'stopped';
  }

  private checkState(): void {
    if (this.producerState === 'stopped') throw new Error('Cannot resume or pause a stopped producer');
  }
}
