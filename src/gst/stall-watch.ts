/**
 * The client timeout of an {@link FdSink}, done here instead of by the sink (`SinkPolicy.clientTimeout`).
 *
 * multifdsink's own `timeout` is unsafe (GStreamer 1.22, and its current source): its buffer
 * queueing reads the clock once, then walks the clients; removing a slow one releases the clients
 * lock to emit `client-removed`, which blocks until our JS handler has run (PITFALLS 5). Meanwhile
 * the sink's writer thread sends to the other clients and stamps their last activity *after* that
 * clock reading, so for each of them `now - last_activity` (unsigned) wraps around, exceeds the
 * timeout, and a healthy viewer is removed as slow too (docs/security.md). It also drops every
 * viewer of a stream that simply has no data for the timeout.
 *
 * So the sink's timeout stays 0 and this watch asks the kernel instead: every quarter of the
 * timeout (at least 1 s) it checks whether each client socket can take more bytes (`G_IO_OUT`).
 * A client whose socket was full at every check spanning the timeout has not read anything the
 * sink could write for that long: it is removed and reported as `slow`. A client with nothing to
 * receive (the stream idles) has an empty, writable socket and stays. The checks are spread over
 * loop turns (at most {@link CHECKS_PER_TURN} a turn), so thousands of viewers do not stall the
 * reactor. A plain fd is checked through a `Gio.Socket` on a duplicate (GLib can poll it; Node
 * cannot), closed at once. Tests: test/gst/fd-sink-policy.test.ts, test/reliability/slow-viewers.test.ts.
 */
import type { DelayedCall, ReactorTime } from '../defer/time';
import { getLogger } from '../log';
import type { GioSocketLike } from './elements';
import { closeFd, dupFd } from './fd-util';
import type { GstCore } from './gst';

/** How many sockets one loop turn checks. */
export const CHECKS_PER_TURN = 256;
const G_IO_OUT = 4;

/** What the watch needs to know about a client. */
export interface WatchedClient {
  /** The client's fd (a dup we own), or its GSocket (multisocketsink). */
  readonly fd: number;
  readonly socket: GioSocketLike | null;
  /** When its socket was first seen full in the current run of full checks (reactor seconds), or null. */
  stalledSince: number | null;
}

interface PollableSocket {
  conditionTimedWait(condition: number, timeoutMicroseconds: number): boolean;
  close(): boolean;
}

/**
 * Polls `socket` for `G_IO_OUT` without waiting. (`g_socket_condition_check` answers `G_IO_ERR`
 * for every question through node-gtk; a timed wait of 0 µs works: true, or a "timed out" GError.)
 */
function pollWritable(socket: PollableSocket): boolean | null {
  try {
    return socket.conditionTimedWait(G_IO_OUT, 0);
  } catch (error) {
    return /timed out/i.test(error instanceof Error ? error.message : String(error)) ? false : null;
  }
}

/**
 * True if the socket can take more bytes now, false if its send buffer is full, null when it
 * cannot be told (the fd is not a socket, or is gone): such a client is left alone.
 */
export function socketWritable(core: Pick<GstCore, 'Gio'>, client: Pick<WatchedClient, 'fd' | 'socket'>): boolean | null {
  if (client.socket !== null) return pollWritable(client.socket as unknown as PollableSocket);
  let dup = -1;
  try {
    dup = dupFd(client.fd);
    const socket = core.Gio.Socket.newFromFd(dup) as unknown as PollableSocket;
    dup = -1; // the GSocket owns the duplicate now
    try {
      return pollWritable(socket);
    } finally {
      socket.close();
    }
  } catch {
    if (dup >= 0) closeFd(dup);
    return null;
  }
}

/** Watches the clients of one FdSink for `timeout` seconds of full sockets. */
export class StallWatch<C extends WatchedClient> {
  private timer: DelayedCall | null = null;
  private sweeping = false;
  private stopped = true;

  /**
   * @param clients the clients to check now (called at the start of each sweep)
   * @param timedOut called for a client whose socket stayed full for `timeout` seconds
   */
  constructor(
    private readonly core: Pick<GstCore, 'Gio'>,
    private readonly time: ReactorTime,
    readonly timeout: number,
    private readonly clients: () => Iterable<C>,
    private readonly timedOut: (client: C) => void,
  ) {}

  /** Seconds between sweeps. */
  get interval(): number {
    return Math.max(1, this.timeout / 4);
  }

  /** Starts sweeping (idempotent). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** Stops sweeping (a sweep under way is dropped). */
  stop(): void {
    this.stopped = true;
    this.sweeping = false; // a sweep's next step is cancelled below: a later start() schedules afresh
    if (this.timer?.active() === true) this.timer.cancel();
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped || this.sweeping) return;
    this.timer = this.time.callLater(this.interval, () => {
      this.timer = null;
      this.sweep([...this.clients()], 0);
    });
  }

  private sweep(batch: readonly C[], from: number): void {
    if (this.stopped) {
      this.sweeping = false;
      return;
    }
    this.sweeping = true;
    const now = this.time.seconds();
    const end = Math.min(batch.length, from + CHECKS_PER_TURN);
    for (let i = from; i < end; i++) this.check(batch[i] as C, now);
    if (end < batch.length) {
      this.timer = this.time.callLater(0, () => {
        this.timer = null;
        this.sweep(batch, end);
      });
      return;
    }
    this.sweeping = false;
    this.schedule();
  }

  private check(client: C, now: number): void {
    const writable = socketWritable(this.core, client);
    if (writable !== false) {
      client.stalledSince = null;
      return;
    }
    client.stalledSince ??= now;
    if (now - client.stalledSince < this.timeout) return;
    client.stalledSince = null;
    getLogger().debug('client socket full for the timeout: removing it as slow', { fd: client.fd, timeout: this.timeout });
    this.timedOut(client);
  }
}
