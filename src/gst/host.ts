/**
 * The seam between this layer and the reactor: time (for timeouts and "yield once to the loop"),
 * a guard for every function handed to GLib/GStreamer (a throw there quits every GLib loop,
 * PITFALLS 3), and a ref'd keepalive while cross-thread signal handlers exist (PITFALLS 5). A
 * GLib reactor may provide its own guard and keepalive; otherwise the defaults here are used.
 * Tests: test/gst/host.test.ts.
 */
import type { DelayedCall, ReactorTime } from '../defer/time';
import { getLogger } from '../log';

/** What the GStreamer layer needs from a reactor: its time, plus two optional loop services. */
export interface GstReactor extends ReactorTime {
  /** Wrap a callback handed to GLib/GObject so that a throw is reported instead of quitting the loop. */
  wrapCallback?<A extends unknown[]>(fn: (...args: A) => void, what?: string): (...args: A) => void;
  /** Keep the loop's libuv side alive (a ref'd handle) until the returned function is called. */
  holdLoop?(): () => void;
}

/** Far in the future but below Node's timer limit (2^31 - 1 ms), so the timer never overflows. */
const KEEPALIVE_SECONDS = 1_000_000;

/** Internal helper around a {@link GstReactor}: guarded callbacks, keepalive, posting. */
export class Host {
  private holds = 0;
  private keepalive: DelayedCall | null = null;
  private release: (() => void) | null = null;

  constructor(readonly reactor: GstReactor) {}

  /** `fn` guarded: a throw is logged (with `what`) and never reaches node-gtk. */
  guard<A extends unknown[]>(what: string, fn: (...args: A) => void): (...args: A) => void {
    if (this.reactor.wrapCallback !== undefined) return this.reactor.wrapCallback(fn, what);
    return (...args: A): void => {
      try {
        fn(...args);
      } catch (error) {
        getLogger().error('Exception in a GStreamer callback', { callback: what, error });
      }
    };
  }

  /**
   * Run `fn` on a later turn of the loop (after any GStreamer thread waiting on us was released);
   * `delaySeconds` leaves more room for signal calls already marshalled from GStreamer threads.
   */
  post(what: string, fn: () => void, delaySeconds = 0): DelayedCall {
    return this.reactor.callLater(delaySeconds, this.guard(what, fn));
  }

  /** Take one keepalive reference; the loop stays alive until every reference is dropped. */
  hold(): () => void {
    if (this.holds++ === 0) this.start();
    let dropped = false;
    return () => {
      if (dropped) return;
      dropped = true;
      if (--this.holds === 0) this.stop();
    };
  }

  private start(): void {
    if (this.reactor.holdLoop !== undefined) {
      this.release = this.reactor.holdLoop();
      return;
    }
    const rearm = (): void => {
      this.keepalive = this.reactor.callLater(KEEPALIVE_SECONDS, rearm);
    };
    rearm();
  }

  private stop(): void {
    this.release?.();
    this.release = null;
    if (this.keepalive?.active() === true) this.keepalive.cancel();
    this.keepalive = null;
  }
}
