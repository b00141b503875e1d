/**
 * The TLS bridge (PITFALLS 19): a Node stream that only Node can write to (a `tls.TLSSocket` after
 * its handshake; there is no kTLS here) still gets multifdsink's burst and slow-client policies.
 * The sink writes one end of an in-process socket pair; Node pipes the other end into the stream,
 * so when the TLS peer is slow, `pipe()` stops reading, the pair fills, and the sink sees EAGAIN.
 * Bytes are counted as they reach the stream. Tests: test/gst/tls-bridge.test.ts.
 */
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { Deferred } from '../defer/deferred';
import { closeFd, stealSocketFd } from './fd-util';
import { socketPair } from './socket-pair';

/** One bridged client: the fd to hand to the sink, and the Node side. */
export interface Bridge {
  /** Our end for the sink (owned: closed by the sink's owner on `client-fd-removed`). */
  readonly fd: number;
  /** Plaintext bytes that reached the stream so far. */
  readonly bytes: bigint;
  /** The sink let go of the fd: finish gracefully (drain, then end the stream) or drop at once. */
  end(graceful: boolean): void;
  /** Tear everything down before the hand-off completed (the fd is left to the caller). */
  destroy(): void;
}

function wire(stream: Duplex, b: Socket, fd: number): Bridge {
  let bytes = 0;
  b.on('data', (chunk: Buffer) => { bytes += chunk.length; });
  b.on('error', () => stream.destroy());
  stream.on('error', () => b.destroy());
  stream.on('close', () => b.destroy());
  b.pipe(stream, { end: true });
  // After the hand-off whatever the peer sends is read and discarded, as multifdsink does (PITFALLS 15).
  stream.resume();
  return {
    fd,
    get bytes(): bigint { return BigInt(bytes); },
    end(graceful: boolean): void {
      if (!graceful) {
        b.destroy();
        stream.destroy();
      }
    },
    destroy(): void {
      b.destroy();
    },
  };
}

/** Make the pair and wire it to `stream`; fails if the stream is already gone. */
export function openBridge(stream: Duplex): Deferred<Bridge> {
  return socketPair().addCallback(([a, b]: [Socket, Socket]): Bridge => {
    if (stream.destroyed || stream.writableEnded) {
      a.destroy();
      b.destroy();
      throw new Error('The stream closed before the bridge was ready.');
    }
    let fd = -1;
    try {
      fd = stealSocketFd(a);
      return wire(stream, b, fd);
    } catch (error) {
      if (fd >= 0) closeFd(fd);
      b.destroy();
      throw error;
    }
  });
}
