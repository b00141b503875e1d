/**
 * Address helpers for Node sockets: `TCPAddress`/`UNIXAddress` from a socket or a server, and the
 * kind of stream behind a socket (TCP or unix) for adopted fds. Tests: test/reactor/transport-helpers.test.ts.
 */
import type { Server, Socket } from 'node:net';
import type { Address, TCPAddress, UNIXAddress } from '../interfaces/address';

/** The stream kinds a socket transport runs over. */
export type StreamKind = 'tcp' | 'unix' | 'tls';

function family(value: string | number | undefined, host: string): 'IPv4' | 'IPv6' {
  if (value === 'IPv6' || value === 6) return 'IPv6';
  if (value === 'IPv4' || value === 4) return 'IPv4';
  return host.includes(':') ? 'IPv6' : 'IPv4';
}

export function tcpAddress(host: string, port: number, fam?: string | number): TCPAddress {
  return { type: 'TCP', family: family(fam, host), host, port };
}

export function unixAddress(path: string | null): UNIXAddress {
  return { type: 'UNIX', path: path === '' ? null : path };
}

/** The local address of a connected TCP socket. */
export function localTCP(socket: Socket): TCPAddress {
  return tcpAddress(socket.localAddress ?? '', socket.localPort ?? 0, socket.localFamily);
}

/** The remote address of a connected TCP socket. */
export function remoteTCP(socket: Socket): TCPAddress {
  return tcpAddress(socket.remoteAddress ?? '', socket.remotePort ?? 0, socket.remoteFamily);
}

/** The address a server is bound to. */
export function serverAddress(server: Server, unixPath?: string): Address {
  const addr = server.address();
  if (unixPath !== undefined) return unixAddress(unixPath);
  if (addr === null || typeof addr === 'string') return unixAddress(addr);
  return tcpAddress(addr.address, addr.port, addr.family);
}

/** Whether a socket's handle is a TCP or a unix (pipe) stream, from Node's handle class. */
export function handleKind(socket: Socket): 'tcp' | 'unix' {
  const handle = (socket as unknown as { _handle?: { constructor?: { name?: string } } | null })._handle;
  return handle?.constructor?.name === 'Pipe' ? 'unix' : 'tcp';
}

/** The fd under a Node socket, or -1 (TCPWrap and Pipe handles expose it). */
export function socketFd(socket: Socket): number {
  const handle = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle;
  return typeof handle?.fd === 'number' ? handle.fd : -1;
}
