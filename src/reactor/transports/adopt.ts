/**
 * `adoptStreamConnection(fd, factory)` (Twisted's `IReactorSocket`): a Node socket over an owned,
 * connected TCP or unix stream fd — typically one `detach()` handed out — running a protocol from
 * the factory. The reactor owns the fd from then on. Tests: test/conformance/detach.ts.
 */
import { fstatSync } from 'node:fs';
import { Socket } from 'node:net';
import { getLogger } from '../../log';
import { AdoptError } from '../errors';
import { handleKind, localTCP, remoteTCP, unixAddress } from './addresses';
import type { Factory } from '../interfaces/protocol';
import type { Transport } from '../interfaces/transport';
import { SocketTransport } from './socket-transport';
import type { TransportHost } from './transport-host';

export function adoptStreamConnection(host: TransportHost, fd: number, factory: Factory): Transport {
  if (!Number.isInteger(fd) || fd < 0) throw new AdoptError(`Not a file descriptor: ${fd}`);
  let isSocket: boolean;
  try {
    isSocket = fstatSync(fd).isSocket();
  } catch (error) {
    throw new AdoptError(`fd ${fd} is not open`, { cause: error });
  }
  if (!isSocket) throw new AdoptError(`fd ${fd} is not a socket`);
  const socket = new Socket({ fd, readable: true, writable: true, allowHalfOpen: true });
  const kind = handleKind(socket);
  const local = kind === 'unix' ? unixAddress(null) : localTCP(socket);
  const peer = kind === 'unix' ? unixAddress(null) : remoteTCP(socket);
  const transport = new SocketTransport(host, socket, kind, local, peer);
  let protocol;
  try {
    protocol = factory.buildProtocol(peer);
  } catch (error) {
    getLogger().error('Factory buildProtocol threw; closing the adopted connection', { error });
    protocol = null;
  }
  if (protocol === null) {
    transport.closeNow(new AdoptError('The factory refused to build a protocol.'));
    return transport;
  }
  transport.attach(protocol);
  return transport;
}
