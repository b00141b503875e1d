/**
 * Shared machinery of the reactor conformance suite (Twisted's `ReactorBuilder`): builders for each
 * reactor, `runReactor` (runs a test body on a running reactor with a reactor-scheduled timeout),
 * an fd counter, and small protocols/factories for the tests.
 */
import { closeSync, readdirSync, readlinkSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { dupFd } from '../../src/reactor/transports/dup-fd';
import { Deferred } from '../../src/defer/deferred';
import type { Failure } from '../../src/defer/failure';
import type { ReactorTime } from '../../src/defer/time';
import type { Address } from '../../src/reactor/interfaces/address';
import type { ClientFactory, Factory, Protocol } from '../../src/reactor/interfaces/protocol';
import type { Connector, Reactor, ReactorCore } from '../../src/reactor/interfaces/reactor';
import type { Transport } from '../../src/reactor/interfaces/transport';

/** Something that can be run like a reactor. */
export type CoreReactor = ReactorTime & ReactorCore;

/** How to build (and drive) one kind of reactor. */
export interface ReactorBuilder<R extends CoreReactor = CoreReactor> {
  readonly name: string;
  build(): R;
  /**
   * For virtual-time reactors: move time until `done` fires (real reactors leave this out and
   * simply await).
   */
  drive?(reactor: R, done: Deferred<void>): Promise<void>;
  /** What an exception in a delayed call does: real reactors log it; `Clock` raises it from `advance`. */
  readonly delayedCallErrors?: 'logged' | 'raised';
}

/** A builder for full reactors (NodeReactor, GLibReactor). */
export type FullReactorBuilder = ReactorBuilder<Reactor & CoreReactor>;

/**
 * Opens the fds node-gtk and GLib keep for the life of the process before a suite counts fds:
 * loading node-gtk starts GLib's `gmain` thread, and the first garbage collection of a GObject
 * wrapper makes GLib open one more eventfd (measured) — so load, dup once, collect, and let a turn pass.
 */
export async function warmUpGi(): Promise<void> {
  closeSync(dupFd(0));
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  await new Promise<void>((resolve) => setImmediate(resolve));
}

export function countFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** The open fds with what they point to (for a failing fd check's message). */
export function describeFds(): string {
  return readdirSync('/proc/self/fd').map((fd) => {
    try {
      return `${fd}->${readlinkSync(`/proc/self/fd/${fd}`)}`;
    } catch {
      return fd;
    }
  }).join(' ');
}

/**
 * Runs `body` once `reactor` is running, then stops it. Fails if `body` throws/rejects or if the
 * reactor-scheduled `timeout` (seconds) expires first.
 */
export async function runReactor<R extends CoreReactor>(builder: ReactorBuilder<R>, reactor: R,
  body: (reactor: R) => unknown, timeout = 10): Promise<void> {
  let error: unknown = null;
  const timer = reactor.callLater(timeout, () => {
    error = new Error(`${builder.name}: test timed out after ${timeout} s (reactor-scheduled)`);
    reactor.crash();
  });
  reactor.callWhenRunning(() => {
    void (async () => {
      try {
        await body(reactor);
      } catch (e) {
        error ??= e;
      }
      if (timer.active()) timer.cancel();
      if (reactor.running) reactor.stop();
    })();
  });
  const done = reactor.run({ installSignalHandlers: false });
  if (builder.drive !== undefined) await builder.drive(reactor, done);
  else await done;
  if (error !== null) throw error;
}

/** A Deferred that fires with `value` after `seconds` on `time`. */
export function deferLater<T>(time: ReactorTime, seconds: number, value: T): Deferred<T> {
  const d = new Deferred<T>();
  time.callLater(seconds, () => d.callback(value));
  return d;
}

/** Waits (on the reactor) until `predicate` is true, checking every 5 ms; fails after `timeout` s. */
export function waitUntil(time: ReactorTime, predicate: () => boolean, timeout = 5, what = 'condition'): Deferred<void> {
  const d = new Deferred<void>();
  const start = time.seconds();
  const check = (): void => {
    if (predicate()) d.callback(undefined);
    else if (time.seconds() - start > timeout) d.errback(new Error(`Timed out waiting for ${what}`));
    else time.callLater(0.005, check);
  };
  check();
  return d;
}

/** A protocol that records everything and exposes Deferreds for its milestones. */
export class RecordingProtocol implements Protocol {
  transport: Transport | null = null;
  readonly chunks: Buffer[] = [];
  lostReason: Failure | null = null;
  readonly made = new Deferred<this>();
  /** Fires with the reason's error (a Failure would errback the Deferred). */
  readonly lost = new Deferred<Error>();
  readEnded = false;
  private waiters: Array<{ n: number; d: Deferred<Buffer> }> = [];

  makeConnection(transport: Transport): void {
    this.transport = transport;
    this.connectionMade();
    this.made.callback(this);
  }

  connectionMade(): void {}

  private total = 0;

  dataReceived(data: Uint8Array): void {
    this.chunks.push(Buffer.from(data));
    this.total += data.length;
    const total = this.total;
    const ready = this.waiters.filter((w) => total >= w.n);
    this.waiters = this.waiters.filter((w) => total < w.n);
    for (const w of ready) w.d.callback(this.received());
  }

  connectionLost(reason: Failure): void {
    this.lostReason = reason;
    for (const w of this.waiters) w.d.errback(reason);
    this.waiters = [];
    this.lost.callback(reason.value);
  }

  received(): Buffer {
    if (this.chunks.length > 1) this.chunks.splice(0, this.chunks.length, Buffer.concat(this.chunks));
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  /** Fires once at least `n` bytes arrived. */
  receivedAtLeast(n: number): Deferred<Buffer> {
    const d = new Deferred<Buffer>();
    if (this.total >= n) d.callback(this.received());
    else this.waiters.push({ n, d });
    return d;
  }
}

/** Echoes everything back. */
export class EchoProtocol extends RecordingProtocol {
  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data);
    this.transport?.write(data);
  }
}

/** A half-close aware protocol: on the peer's EOF it writes what it got back, then closes. */
export class HalfCloseEcho extends RecordingProtocol {
  override readEnded = false;
  readConnectionLost(): void {
    this.readEnded = true;
    this.transport?.write(Buffer.concat([Buffer.from('got:'), this.received()]));
    this.transport?.loseConnection();
  }
}

/** A server factory building protocols with `make`, keeping them. */
export class ServerFactory<P extends Protocol> implements Factory {
  readonly protocols: P[] = [];
  readonly connected = new Deferred<P>();
  started = 0;
  stopped = 0;
  constructor(private readonly make: (address: Address) => P | null) {}

  buildProtocol(address: Address): P | null {
    const p = this.make(address);
    if (p !== null) {
      this.protocols.push(p);
      if (this.protocols.length === 1) this.connected.callback(p);
    }
    return p;
  }

  doStart(): void {
    this.started++;
  }

  doStop(): void {
    this.stopped++;
  }
}

/** A client factory for one protocol; `connected`/`failed`/`lost` fire accordingly. */
export class OneShotClientFactory<P extends RecordingProtocol> implements ClientFactory {
  readonly connected = new Deferred<P>();
  readonly failed = new Deferred<Error>();
  readonly lost = new Deferred<Error>();
  stopped = 0;
  constructor(readonly protocol: P) {
    protocol.made.addCallback(() => {
      this.connected.callback(protocol);
      return undefined;
    });
  }

  buildProtocol(): P {
    return this.protocol;
  }

  clientConnectionFailed(_connector: Connector, reason: Failure): void {
    this.failed.callback(reason.value);
  }

  clientConnectionLost(_connector: Connector, reason: Failure): void {
    this.lost.callback(reason.value);
  }

  doStop(): void {
    this.stopped++;
  }
}
