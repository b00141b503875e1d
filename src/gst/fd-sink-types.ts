/**
 * The public types of FdSink: what `addClient` accepts (fds, detachable transports, streams to
 * bridge), its options, and what `stats()` reports. No Gst type here.
 * Tests: test/gst/fd-sink.test.ts.
 */
import type { Duplex } from 'node:stream';
import type { ClientPolicy, SinkPolicy } from './sink-options';
import type { BridgeConsumer } from './tls-bridge';

/** What a reactor transport's `detach()` gives: an owned dup of its fd and bytes read past the protocol. */
export interface DetachedFd {
  readonly fd: number;
  readonly leftover: Uint8Array;
}

/** A transport that can give up its fd (Torsion transports do). */
export interface Detachable {
  detach(): PromiseLike<DetachedFd>;
}

/**
 * What `addClient` accepts: an owned fd, a detachable transport, or (bridged) a Node TLS/duplex
 * stream or a Torsion TLS transport.
 */
export type ClientSource = number | Detachable | Duplex | BridgeConsumer;

/** Per-client options. */
export interface AddClientOptions extends ClientPolicy {
  /**
   * Bridge through a socket pair (PITFALLS 19): for a Node stream (a `tls.TLSSocket` is bridged
   * anyway) or a Torsion transport (a Torsion TLS transport, whose `detach()` is not supported, is
   * bridged anyway).
   */
  readonly bridge?: boolean;
}

/** What {@link FdSink.stats} reports. */
export interface FdSinkStats {
  /** Clients not yet finished (including those still detaching). */
  readonly clients: number;
  /** Clients the sinks hold (`num-handles`). */
  readonly handles: number;
  /** Bytes written to all clients (`bytes-served`). */
  readonly bytesServed: bigint;
  /** Bytes the sinks received to serve (`bytes-to-serve`), per shard, summed. */
  readonly bytesToServe: bigint;
  /** The largest shard queue, in buffers (`buffers-queued`): bounded when the limits work. */
  readonly buffersQueued: number;
}

/** Options of {@link FdSink.attach}: the sink policy applied to each multifdsink, and add batching. */
export interface FdSinkOptions extends SinkPolicy {
  /**
   * Batch hand-offs: instead of one `add` per client as it arrives, queue them and add the queue in
   * one tight loop after this many seconds (0: on the next reactor turn); unset: add at once.
   * Every `add` wakes the sink's thread for a pass over all its clients, and waits for its lock
   * while a pass writes to them (PITFALLS 17): at thousands of clients, adds spread between other
   * work each wait a pass, and a burst of adds shares a few. `added` then fires at the flush.
   */
  readonly addBatchSeconds?: number;
}
