/**
 * The streamer's end of the porter: receives connections passed over the Node IPC channel to its
 * parent porter, takes each fd from Node (a CLOEXEC dup; Node's copy destroyed without `end()`),
 * adopts it as a Torsion transport with `adoptStreamConnection`, and replays the bytes the porter
 * already read into the protocol first — so an `HttpHandoffFactory` sees the whole request.
 * Tests: test/protocols/porter/porter-client.test.ts and test/protocols/porter/porter.test.ts.
 */
import type { Socket } from 'node:net';
import { getLogger } from '../../log';
import type { Factory } from '../../reactor/interfaces/protocol';
import type { ReactorSocket } from '../../reactor/interfaces/reactor';
import type { Transport } from '../../reactor/interfaces/transport';
import { socketFd } from '../../reactor/transports/addresses';
import { takeLeftover } from '../../reactor/transports/detach';
import { dupFd } from '../../reactor/transports/dup-fd';
import { PorterError } from './errors';
import { isPassMessage, type ReadyMessage, type StoppingMessage } from './messages';
import { PrefixReplayFactory } from './prefix-replay';

/** The IPC channel to the porter: `process` in a forked streamer (a stand-in in tests). */
export interface PorterChannel {
  send?: ((message: ReadyMessage | StoppingMessage) => boolean) | undefined;
  /** False once the channel is closed (`process.connected`); absent counts as connected. */
  readonly connected?: boolean;
  on(event: 'message', listener: (message: unknown, handle: unknown) => void): unknown;
  removeListener(event: 'message', listener: (message: unknown, handle: unknown) => void): unknown;
}

/** Options of {@link PorterClient}. */
export interface PorterClientOptions {
  readonly reactor: ReactorSocket;
  /** Builds the protocol for each passed connection (e.g. an `HttpHandoffFactory`). */
  readonly factory: Factory;
  /** The paths this streamer serves, announced to the porter. */
  readonly paths: readonly string[];
  /** Default: `process` (the channel `child_process.fork` opened). */
  readonly channel?: PorterChannel;
}

function isSocket(value: unknown): value is Socket {
  return typeof value === 'object' && value !== null && typeof (value as Socket).destroy === 'function'
    && '_handle' in value;
}

/** Receives passed connections; see the module comment. */
export class PorterClient {
  /** Connections received and adopted. */
  received = 0;
  private readonly channel: PorterChannel;
  private readonly listener = (message: unknown, handle: unknown): void => this.onMessage(message, handle);
  private started = false;

  constructor(private readonly options: PorterClientOptions) {
    this.channel = options.channel ?? (process as unknown as PorterChannel);
  }

  /**
   * Starts listening for passed connections and tells the porter this streamer is ready. Throws
   * `PorterError` when there is no IPC channel (the process was not forked by a porter).
   */
  start(): void {
    if (this.started) return;
    const send = this.channel.send;
    if (typeof send !== 'function') throw new PorterError('no IPC channel: this streamer was not started by a porter');
    this.started = true;
    this.channel.on('message', this.listener);
    send.call(this.channel, { torsionPorter: 1, type: 'ready', paths: [...this.options.paths] });
  }

  /**
   * Stops taking connections (those already adopted are unaffected): tells the porter, which routes
   * no more to this streamer (503), and stops listening, so the channel no longer keeps the process
   * alive. A connection the porter passed just before it got the message is not adopted.
   */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.channel.removeListener('message', this.listener);
    const send = this.channel.send;
    if (typeof send === 'function' && this.channel.connected !== false) {
      try {
        send.call(this.channel, { torsionPorter: 1, type: 'stopping' });
      } catch (error) {
        getLogger().debug('porter client: could not tell the porter we stop', { error });
      }
    }
  }

  /**
   * Adopts a received connection: `socket` is the Node socket the IPC channel produced (its fd is
   * duplicated, then it is destroyed without `end()`), `prefix` the bytes the porter read.
   */
  adopt(socket: Socket, prefix: Uint8Array): Transport | null {
    socket.pause();
    const handle = (socket as unknown as { _handle?: { reading?: boolean; readStop?: () => number } | null })._handle;
    if (handle !== null && handle !== undefined && typeof handle.readStop === 'function') {
      handle.reading = false;
      handle.readStop();
    }
    const buffered = takeLeftover(socket);
    let fd: number;
    try {
      fd = dupFd(socketFd(socket));
    } catch (error) {
      getLogger().warn('porter client: the passed socket has no usable fd', { error });
      socket.destroy();
      return null;
    }
    socket.on('error', () => undefined);
    socket.destroy(); // never end(): shutdown(2) would act on the dup too
    const all = buffered.length === 0 ? prefix : Buffer.concat([prefix, buffered]);
    this.received += 1;
    return this.options.reactor.adoptStreamConnection(fd, new PrefixReplayFactory(this.options.factory, all));
  }

  private onMessage(message: unknown, handle: unknown): void {
    if (!isPassMessage(message)) return;
    if (!isSocket(handle)) {
      getLogger().warn('porter client: a pass message without a socket', { path: message.path });
      return;
    }
    try {
      this.adopt(handle, Buffer.from(message.prefix, 'base64'));
    } catch (error) {
      getLogger().error('porter client: adopting a passed connection failed', { error, path: message.path });
      handle.destroy();
    }
  }
}
