/**
 * `AuthDeadline`: closes a connection that has not authenticated in time (slow-loris clients, a
 * peer that never answers a challenge). A protocol calls `start(transport, seconds, time)` in
 * `connectionMade` and `authenticated()` once it is satisfied (and `cancel()` in `connectionLost`).
 * On expiry the transport is aborted (not `loseConnection`: a client that stopped reading must not
 * hold the connection open with unflushed writes), an `AuthDeadlineExceeded` is logged and passed
 * to `onExpired`. Tests: test/protocols/auth/deadline.test.ts.
 */
import type { DelayedCall, ReactorTime } from '../../defer/time';
import { getLogger } from '../../log';
import type { Transport } from '../../reactor/interfaces/transport';
import { AuthDeadlineExceeded, ProtocolUsageError } from '../errors';

export class AuthDeadline {
  /** True once the deadline passed and the connection was closed. */
  expired = false;
  private call: DelayedCall | null = null;

  /** @param onExpired called after the connection was aborted, with the error that was logged. */
  constructor(private readonly onExpired?: (error: AuthDeadlineExceeded) => void) {}

  /** True while the deadline is armed. */
  get active(): boolean {
    return this.call !== null && this.call.active();
  }

  /** Arms the deadline; `ProtocolUsageError` if it is already armed or has expired. */
  start(transport: Transport, seconds: number, time: Pick<ReactorTime, 'callLater'>): this {
    if (this.active || this.expired) throw new ProtocolUsageError('AuthDeadline.start: already started');
    this.call = time.callLater(seconds, () => {
      this.call = null;
      this.expired = true;
      const error = new AuthDeadlineExceeded(`not authenticated within ${seconds} s`);
      getLogger().info('closing a connection that did not authenticate in time', { error, peer: transport.getPeer() });
      transport.abortConnection();
      this.onExpired?.(error);
    });
    return this;
  }

  /** The peer authenticated: disarm. Returns false if the deadline had already expired. */
  authenticated(): boolean {
    this.cancel();
    return !this.expired;
  }

  /** Disarms without judging (e.g. from `connectionLost`). */
  cancel(): void {
    if (this.call?.active() === true) this.call.cancel();
    this.call = null;
  }
}
