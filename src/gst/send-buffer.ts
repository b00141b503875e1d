/**
 * The kernel send buffer of a client socket handed to a sink (`SinkPolicy.sendBuffer`). Linux
 * autotunes a TCP socket's SO_SNDBUF up to `net.ipv4.tcp_wmem`'s maximum (4 MiB here, reached at
 * once on loopback), and whatever sits there is lag the sink cannot see: a viewer that stops reading
 * is only noticed by the slow-client limits and the client timeout once the kernel buffer is full,
 * minutes later at a low bitrate, while each such viewer pins megabytes of kernel memory. Setting
 * SO_SNDBUF fixes the buffer (the kernel doubles the value for its bookkeeping and stops
 * autotuning it). Node cannot set it on a TCP socket; GLib can: the fd is duplicated into a
 * `Gio.Socket`, which sets the option on the shared socket and closes only its duplicate.
 * Tests: test/reliability/slow-viewers.test.ts.
 */
import { getLogger } from '../log';
import type { GioSocketLike } from './elements';
import { dupFd, closeFd } from './fd-util';
import type { GstCore } from './gst';

const SOL_SOCKET = 1;
const SO_SNDBUF = 7;

interface OptionSocket {
  setOption(level: number, optname: number, value: number): boolean;
  getOption(level: number, optname: number): [boolean, number];
  close(): boolean;
}

/**
 * Sets SO_SNDBUF of the socket behind `target` (an fd we own, or a GSocket) to `bytes`; returns the
 * size the kernel reports afterwards (about twice `bytes`), or null if the option could not be set
 * (logged at debug level: the client is still served, with the kernel's default buffer).
 */
export function setSendBuffer(core: Pick<GstCore, 'Gio'>, target: number | GioSocketLike, bytes: number): number | null {
  if (typeof target !== 'number') return setOn(target as unknown as OptionSocket, bytes, target.getFd());
  let dup = -1;
  try {
    dup = dupFd(target);
    const socket = core.Gio.Socket.newFromFd(dup) as unknown as OptionSocket;
    dup = -1; // the GSocket owns the duplicate now
    try {
      return setOn(socket, bytes, target);
    } finally {
      socket.close();
    }
  } catch (error) {
    if (dup >= 0) closeFd(dup);
    getLogger().debug('Could not set the send buffer of a client socket', { fd: target, bytes, error });
    return null;
  }
}

function setOn(socket: OptionSocket, bytes: number, fd: number): number | null {
  try {
    if (!socket.setOption(SOL_SOCKET, SO_SNDBUF, bytes)) return null;
    const [ok, value] = socket.getOption(SOL_SOCKET, SO_SNDBUF);
    return ok ? value : null;
  } catch (error) {
    getLogger().debug('Could not set the send buffer of a client socket', { fd, bytes, error });
    return null;
  }
}
