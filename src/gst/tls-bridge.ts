/**
 * The TLS bridge (PITFALLS 19): a client only Node can write to (a `tls.TLSSocket` after its
 * handshake, or a Torsion TLS transport; there is no kTLS here) still gets multifdsink's burst and
 * slow-client policies. The sink writes one end of an in-process socket pair; Node forwards the
 * other end into the client with flow control (`pipe()` for a stream, a push producer registered on
 * a transport), so when the TLS peer is slow Node stops reading the pair, the pair fills, and the
 * sink sees EAGAIN. Bytes are counted as they reach the client. Tests: test/gst/tls-bridge.test.ts.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Deferred } from '../defer/deferred';
import type { PushProducer } from '../reactor/interfaces/transport';
import { closeFd, stealSocketFd } from './fd-util';
import { socketPair } from './socket-pair';

/** The part of a Torsion transport the bridge writes to (Twisted's IConsumer plus closing). */
export interface BridgeConsumer {
  registerProducer(producer: PushProducer, streaming: true): void;
  unregisterProducer(): void;
  write(data: Uint8Array): void;
  loseConnection(): void;
  abortConnection(): void;
  readonly connected: boolean;
}

/** One bridged client: the fd to hand to the sink, and the Node side. */
export interface Bridge {
  /** Our end for the sink (owned: closed by the sink's owner on `client-fd-removed`). */
  readonly fd: number;
  /** Plaintext bytes that reached the client so far. */
  readonly bytes: bigint;
  /** Fires once the Node side is closed (everything the sink wrote was forwarded, or dropped). */
  readonly finished: Deferred<void>;
  /** The sink let go of the fd: finish gracefully (drain, then close the client) or drop at once. */
  end(graceful: boolean): void;
  /** Drop the client at once (closes the Node side and the client). */
  drop(): void;
  /** Tear the Node side down before the hand-off completed (the fd is left to the caller). */
  destroy(): void;
}

/** True for a Torsion transport the bridge can write to. */
export function isBridgeConsumer(x: unknown): x is BridgeConsumer {
  const t = x as Partial<BridgeConsumer> | null;
  return typeof t === 'object' && t !== null && typeof t.registerProducer === 'function' && typeof t.write === 'function'
    && typeof t.loseConnection === 'function';
}

function toStream(stream: Duplex, b: Socket): { drop(): void } {
  b.on('error', () => stream.destroy());
  stream.on('error', () => b.destroy());
  stream.on('close', () => b.destroy());
  b.pipe(stream, { end: true });
  // After the hand-off whatever the peer sends is read and discarded, as multifdsink does (PITFALLS 15).
  stream.resume();
  return { drop: () => { b.destroy(); stream.destroy(); } };
}

function toConsumer(t: BridgeConsumer, b: Socket): { drop(): void } {
  const producer: PushProducer = {
    pauseProducing: () => b.pause(),
    resumeProducing: () => b.resume(),
    stopProducing: () => b.destroy(),
  };
  b.on('data', (chunk: Buffer) => t.write(chunk));
  b.on('end', () => {
    t.unregisterProducer();
    t.loseConnection();
  });
  b.on('error', () => t.abortConnection());
  t.registerProducer(producer, true);
  b.resume();
  return { drop: () => { b.destroy(); t.abortConnection(); } };
}

/** Make the pair and wire it to a Node stream or a Torsion transport; fails if the client is already gone. */
export function openBridge(client: Duplex | BridgeConsumer): Deferred<Bridge> {
  return socketPair().addCallback(([a, b]: [Socket, Socket]): Bridge => {
    const gone = isBridgeConsumer(client) ? !client.connected : client.destroyed || client.writableEnded;
    if (gone) {
      a.destroy();
      b.destroy();
      throw new Error('The client closed before the bridge was ready.');
    }
    let fd = -1;
    try {
      fd = stealSocketFd(a);
      let bytes = 0;
      const finished = new Deferred<void>();
      b.on('data', (chunk: Buffer) => { bytes += chunk.length; });
      b.on('close', () => { if (!finished.called) finished.callback(undefined); });
      const side = isBridgeConsumer(client) ? toConsumer(client, b) : toStream(client, b);
      return {
        fd,
        finished,
        get bytes(): bigint { return BigInt(bytes); },
        end(graceful: boolean): void { if (!graceful) side.drop(); },
        drop(): void { side.drop(); },
        destroy(): void { b.destroy(); },
      };
    } catch (error) {
      if (fd >= 0) closeFd(fd);
      b.destroy();
      throw error;
    }
  });
}
