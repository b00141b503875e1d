/**
 * `transport.detach()`: the first-class fd steal (PITFALLS 8–9, ARCHITECTURE "File descriptor
 * ownership"). Node stops reading at once; pending writes are flushed (a zero-byte write's callback
 * fires when everything before it reached the kernel) or the call fails with `DetachFlushError`
 * after `flushTimeout` seconds or when the peer goes away; the fd is duplicated; bytes Node read but
 * never delivered become `leftover`; Node's socket is destroyed without `end()` (which would shut the
 * socket down for the dup too); the protocol gets `connectionLost(ConnectionDetached)`; then the
 * Deferred fires. Tests: test/conformance/detach.ts.
 */
import type { Socket } from 'node:net';
import { Deferred, fail } from '../../defer/deferred';
import { ConnectionLost } from '../../errors';
import {
  AlreadyDetached, ConnectionClosedError, ConnectionDetached, DetachFlushError, DetachNotSupported,
} from '../errors';
import type { DetachedSocket } from '../interfaces/transport';
import type { Address } from '../interfaces/address';
import { socketFd, type StreamKind } from './addresses';
import { dupFd } from './dup-fd';
import type { TransportHost } from './transport-host';

const EMPTY = Buffer.alloc(0);

/** A socket transport's life: `open` → (`detaching` → `detached`) | `closed`. */
export type TransportState = 'open' | 'detaching' | 'detached' | 'closed';

/** What detaching needs from a socket transport (structural, so the import goes one way). */
export interface DetachTarget {
  readonly socket: Socket;
  state: TransportState;
  readonly kind: StreamKind;
  readonly disconnecting: boolean;
  readonly writeClosed: boolean;
  readonly host: TransportHost;
  getHost(): Address;
  getPeer(): Address;
  unwire(): void;
  finish(reason: Error, state: 'closed' | 'detached'): void;
  closeNow(reason: Error): void;
}

/** Stops libuv reading from the socket now (a plain `pause()` keeps reading up to the high-water mark). */
function stopReading(socket: Socket): void {
  socket.pause();
  const handle = (socket as unknown as { _handle?: { reading?: boolean; readStop?: () => number } | null })._handle;
  if (handle !== null && handle !== undefined && typeof handle.readStop === 'function') {
    handle.reading = false;
    handle.readStop();
  }
}

/** Everything buffered in the socket's readable side that the protocol never saw. */
export function takeLeftover(socket: Socket): Buffer {
  const chunks: Buffer[] = [];
  for (;;) {
    const chunk = socket.read() as Buffer | string | null;
    if (chunk === null) break;
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks);
}

export function detachSocket(transport: DetachTarget, flushTimeout: number): Deferred<DetachedSocket> {
  if (transport.state === 'detaching' || transport.state === 'detached') return fail(new AlreadyDetached());
  if (transport.kind === 'tls') return fail(new DetachNotSupported());
  if (transport.state !== 'open' || transport.disconnecting || transport.writeClosed) {
    return fail(new ConnectionClosedError());
  }
  transport.state = 'detaching';
  const socket = transport.socket;
  stopReading(socket);
  const result = new Deferred<DetachedSocket>();
  let settled = false;

  const failWith = (error: DetachFlushError): void => {
    if (settled) return;
    settled = true;
    if (timer.active()) timer.cancel();
    socket.removeListener('close', onGone);
    transport.closeNow(new ConnectionLost('Detaching failed; the connection was closed.', { cause: error }));
    result.errback(error);
  };
  const onGone = (): void => failWith(new DetachFlushError('The connection closed before pending writes were flushed.'));
  const timer = transport.host.callLater(flushTimeout, () => {
    failWith(new DetachFlushError(`Pending writes were not flushed within ${flushTimeout} s.`));
  });
  socket.once('close', onGone);

  const complete = (): void => {
    if (settled) return;
    let dup: number;
    try {
      dup = dupFd(socketFd(socket));
    } catch (error) {
      failWith(new DetachFlushError('Could not duplicate the socket fd.', { cause: error }));
      return;
    }
    settled = true;
    if (timer.active()) timer.cancel();
    socket.removeListener('close', onGone);
    const leftover = takeLeftover(socket);
    const detached: DetachedSocket = { fd: dup, leftover, host: transport.getHost(), peer: transport.getPeer() };
    transport.unwire();
    socket.on('error', () => undefined); // a late error on Node's (now closed) copy is of no interest
    socket.destroy(); // never end(): shutdown(2) would act on the dup too
    transport.finish(new ConnectionDetached(), 'detached');
    result.callback(detached);
  };

  socket.write(EMPTY, (error?: Error | null) => {
    if (error !== undefined && error !== null) {
      failWith(new DetachFlushError('Pending writes failed while detaching.', { cause: error }));
    } else {
      complete();
    }
  });
  return result;
}
