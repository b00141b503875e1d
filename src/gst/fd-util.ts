/**
 * Small fd utilities for the hand-off (PITFALLS 8): `dupFd` through `Gio.UnixFDList` (a new
 * CLOEXEC fd owned by the caller), `stealSocketFd` to take the fd away from a Node socket (dup,
 * then `destroy()`, never `end()`), and `closeFd` that never throws. Tests: test/gst/fd-util.test.ts.
 */
import { closeSync } from 'node:fs';
import type { Socket } from 'node:net';
import { loadGi } from '../reactor/gi';

/** A duplicate of `fd`, owned by the caller (close-on-exec). */
export function dupFd(fd: number): number {
  const list = loadGi().Gio.UnixFDList.new();
  list.append(fd);
  const [dup] = list.stealFds();
  if (dup === undefined || dup < 0) throw new Error(`Cannot duplicate fd ${fd}`);
  return dup;
}

/** The fd under a connected Node socket (TCP or unix), or -1 if it has none any more. */
export function socketFd(socket: Socket): number {
  const handle = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle;
  return typeof handle?.fd === 'number' ? handle.fd : -1;
}

/**
 * Take the connection away from Node: returns an owned dup and destroys the Node socket (its own
 * fd closes; the connection lives on in the dup, since no shutdown() is sent).
 */
export function stealSocketFd(socket: Socket): number {
  const fd = socketFd(socket);
  if (fd < 0) throw new Error('The socket has no fd (closed or not connected).');
  const dup = dupFd(fd);
  socket.destroy();
  return dup;
}

/** Close an fd we own; returns false (and does not throw) if it was already closed. */
export function closeFd(fd: number): boolean {
  try {
    closeSync(fd);
    return true;
  } catch {
    return false;
  }
}
