/**
 * The porter's per-connection protocol (Flumotion's `PorterProtocol`): read just the request line
 * (bounded, with a deadline), look up the owner of its path, and pass the connection — detached
 * from Node, with every byte already read — to that streamer. 404 for a path nobody owns, 503 when
 * its streamer is not up (or the pass fails), 400/414 for a bad or oversize line, 408 when the line
 * does not arrive in time. Never `end()`s a passed socket: `detach()` destroys Node's copy and the
 * streamer link closes the dup with `close()`. Tests: test/protocols/porter/porter-protocol.test.ts.
 */
import type { Deferred } from '../../defer/deferred';
import type { Failure } from '../../defer/failure';
import type { DelayedCall, ReactorTime } from '../../defer/time';
import { getLogger } from '../../log';
import type { Address } from '../../reactor/interfaces/address';
import { Factory } from '../factory';
import { HttpError } from '../http/errors';
import { simpleResponse } from '../http/response-head';
import { Protocol } from '../protocol';
import { RequestLineReader, type RequestLine } from './request-line';

/** Where a request goes: a streamer that takes the connection, or a refusal. */
export type PorterRoute =
  | { readonly kind: 'pass'; pass(fd: number, prefix: Uint8Array, path: string): Deferred<void> }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** What the protocol needs from the porter. */
export interface PorterRouter {
  route(line: RequestLine): PorterRoute;
}

/** Options of {@link PorterFactory}. */
export interface PorterProtocolOptions {
  readonly router: PorterRouter;
  readonly time: ReactorTime;
  /** Seconds a client has to send its request line (default 30, as Flumotion). */
  readonly lineTimeout?: number;
  /** Longest request line, terminator included (default 4096). */
  readonly maxLineBytes?: number;
}

type Phase = 'line' | 'passing' | 'done';

/** One public connection, until it is passed on or refused. */
export class PorterProtocol extends Protocol {
  private readonly reader: RequestLineReader;
  private phase: Phase = 'line';
  private timer: DelayedCall | null = null;

  constructor(private readonly options: PorterProtocolOptions) {
    super();
    this.reader = new RequestLineReader(options.maxLineBytes ?? 4096);
  }

  override connectionMade(): void {
    this.timer = this.options.time.callLater(this.options.lineTimeout ?? 30, () => {
      this.timer = null;
      if (this.phase === 'line') this.refuse(408, 'request line not received in time');
    });
  }

  override dataReceived(data: Uint8Array): void {
    if (this.phase !== 'line') return; // passing: detach() hands later bytes over as leftover
    let line: RequestLine | null;
    try {
      line = this.reader.push(data);
    } catch (error) {
      this.refuse(error instanceof HttpError ? error.status : 400, error instanceof Error ? error.message : 'bad request');
      return;
    }
    if (line === null) return;
    this.cancelTimer();
    this.dispatch(line);
  }

  override connectionLost(reason: Failure): void {
    this.cancelTimer();
    if (this.phase === 'line') this.phase = 'done';
    super.connectionLost(reason);
  }

  private dispatch(line: RequestLine): void {
    const route = this.options.router.route(line);
    if (route.kind === 'unknown') {
      this.refuse(404, `no streamer serves ${line.path}`);
      return;
    }
    if (route.kind === 'unavailable') {
      this.refuse(503, route.reason, { 'Retry-After': 5 });
      return;
    }
    const transport = this.transport;
    if (transport === null) return;
    this.phase = 'passing';
    transport.pauseProducing();
    transport.detach().addCallbacks((detached) => {
      this.phase = 'done';
      const prefix = detached.leftover.length === 0 ? line.buffered : Buffer.concat([line.buffered, detached.leftover]);
      route.pass(detached.fd, prefix, line.path).addErrback((failure: Failure) => {
        getLogger().warn('porter: pass failed', { path: line.path, error: failure.value });
        return null;
      });
      return null;
    }, (failure: Failure) => {
      this.phase = 'done';
      getLogger().info('porter: client left before its connection was passed', { path: line.path, error: failure.value });
      return null;
    });
  }

  private refuse(status: number, message: string, headers: Record<string, string | number> = {}): void {
    this.phase = 'done';
    this.cancelTimer();
    const transport = this.transport;
    if (transport === null) return;
    getLogger().info('porter: refused', { status, message, peer: transport.getPeer() });
    transport.write(simpleResponse(status, `${message}\n`, headers));
    transport.loseConnection();
  }

  private cancelTimer(): void {
    if (this.timer !== null && this.timer.active()) this.timer.cancel();
    this.timer = null;
  }
}

/** Builds a {@link PorterProtocol} per public connection. */
export class PorterFactory extends Factory<PorterProtocol> {
  constructor(readonly options: PorterProtocolOptions) {
    super();
    this.protocol = (_address: Address) => new PorterProtocol(this.options);
  }
}
