/**
 * `SinkClient`: one client socket handed (or being handed) to an {@link FdSink}, and the fd
 * ownership state of ARCHITECTURE.md: `reactor-owned` → `detaching` → `sink-owned` → `removed`
 * (`client-removed`) → `released` (`client-fd-removed`: our dup was closed). `done` always fires,
 * once, with why the client ended and what it was sent; it never errbacks. Tests:
 * test/gst/fd-sink.test.ts.
 */
import { Deferred } from '../defer/deferred';
import type { TorsionError } from '../errors';

/** Who owns the client's fd right now. */
export type ClientState = 'reactor-owned' | 'detaching' | 'sink-owned' | 'removed' | 'released';

/**
 * Why a client ended. `closed`, `removed`, `slow`, `error` and `duplicate` are the sink's
 * `client-removed` statuses; `rejected` means the sink never took the fd (see `error`).
 */
export type ClientEndReason = 'closed' | 'removed' | 'slow' | 'error' | 'duplicate' | 'rejected';

/** What `done` fires with. */
export interface ClientResult {
  readonly reason: ClientEndReason;
  /**
   * Bytes sent to the client. Exact for bridged (TLS) clients, whose bytes pass through Node;
   * for plain fds an estimate (PITFALLS 12): the bytes the sink was given while the client was
   * attached, i.e. what a client that kept up received, excluding the stream header and burst.
   */
  readonly bytesSent: bigint;
  /** True when `bytesSent` was counted rather than estimated. */
  readonly bytesSentExact: boolean;
  /** Seconds between the hand-off and the removal (0 if never handed off). */
  readonly seconds: number;
  /** Why the client was rejected or lost before the hand-off, when that is the reason. */
  readonly error?: TorsionError;
}

/** Operations a SinkClient asks of its sink (implemented by FdSink). */
export interface ClientOwner {
  removeClient(client: SinkClient, flush: boolean): void;
}

let nextId = 1;

/** A client of an FdSink. */
export class SinkClient {
  /** A process-unique id (fd numbers are reused at once, so never key on them). */
  readonly id = nextId++;
  /** Fires `true` once the sink took the fd, `false` if it never will. Never errbacks. */
  readonly added = new Deferred<boolean>();
  /** Fires once, when the client is gone and its fd released. Never errbacks. */
  readonly done = new Deferred<ClientResult>();
  private currentState: ClientState;
  private currentFd = -1;
  /** @internal Set by `remove()` while detaching: drop the client as soon as the fd arrives. */
  cancelled = false;

  /** @internal Created by FdSink.addClient. */
  constructor(private readonly owner: ClientOwner, initial: ClientState) {
    this.currentState = initial;
  }

  /** The ownership state. */
  get state(): ClientState {
    return this.currentState;
  }

  /** The fd the sink writes to while `sink-owned`/`removed`; -1 otherwise. */
  get fd(): number {
    return this.currentFd;
  }

  /**
   * Remove the client from the sink (`remove`; with `flush`, `remove-flush`: what is queued for it
   * is sent first). While detaching, the client is dropped as soon as its fd arrives.
   */
  remove(options: { readonly flush?: boolean } = {}): void {
    this.owner.removeClient(this, options.flush === true);
  }

  /** @internal */
  setState(state: ClientState, fd?: number): void {
    this.currentState = state;
    if (fd !== undefined) this.currentFd = fd;
    if (state === 'released') this.currentFd = -1;
  }

  /** @internal Fire `added` (false) if still pending, then `done`. */
  finish(result: ClientResult): void {
    this.setState('released');
    if (!this.added.called) this.added.callback(false);
    if (!this.done.called) this.done.callback(result);
  }
}
