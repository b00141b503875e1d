/**
 * The HTTP hand-off (Flumotion's HTTP streamer front half): read a request head with Node's own
 * parser, authenticate it with a bouncer, wait (bounded) for the stream to be ready, write the
 * response head with `Connection: close`, then give the connection to the mount — which detaches
 * the transport and hands the fd to a sink, so no media byte passes through JavaScript. Every
 * refusal is a complete short response: 400 malformed, 401 (+ `WWW-Authenticate`) missing or wrong
 * credentials, 403 expired or out-of-scope token, 404 unknown path, 405 other methods, 408 a head
 * that did not arrive in time (slow loris), 429 rate-limited, 431 oversize head, 503 limits or a
 * stream that did not become ready in time. Tests: test/protocols/http/handoff.test.ts.
 */
import type { Deferred } from '../../defer/deferred';
import type { Failure } from '../../defer/failure';
import type { DelayedCall, ReactorTime } from '../../defer/time';
import { getLogger } from '../../log';
import type { Address } from '../../reactor/interfaces/address';
import type { Transport } from '../../reactor/interfaces/transport';
import type { Bouncer } from '../auth/bouncer';
import { HmacTokenKeycard, UsernamePasswordKeycard, type Keycard } from '../auth/keycards';
import { AuthError, AuthRateLimited } from '../errors';
import { Factory } from '../factory';
import { Protocol } from '../protocol';
import { HttpError } from './errors';
import { refuseHttpRequest, type RefusalLog } from './refusal';
import { HttpRequestHeadReader, type HttpRequestHead } from './request-head';
import { simpleResponse, streamResponseHead, type HttpHeaders } from './response-head';

const REFUSED: RefusalLog = { message: 'http request refused', level: 'debug' };

/** A request that passed authentication, as given to the mount. */
export interface HandoffRequest {
  readonly head: HttpRequestHead;
  /** The identity the bouncer accepted (null on an open mount). */
  readonly identity: string | null;
  readonly peer: Address;
  /** Bytes the client sent after the head (normally none: the client waits for the response). */
  readonly leftover: Uint8Array;
}

/** A streamed resource the hand-off serves. */
export interface HttpMount {
  /** The `Content-Type` of the stream. */
  readonly contentType: string;
  /** Null when ready now; else a Deferred that fires once the stream can take viewers. */
  whenReady(): Deferred<unknown> | null;
  /** Why a new viewer is refused right now (a limit was reached) — answered with 503 — or null. */
  refusal(request: HandoffRequest): string | null;
  /** After a refusal: a URL to send the viewer to instead (302 Found), or null for the 503. Optional. */
  redirect?(request: HandoffRequest): string | null;
  /**
   * Takes the connection once the response head is written: normally `sink.addClient(transport)`,
   * which detaches it (pending writes, the head included, are flushed first).
   */
  handOff(transport: Transport, request: HandoffRequest): void;
}

/** A plain response for paths that are not mounts (a status page, `/stats`). */
export interface HttpPlainResponse {
  readonly status: number;
  readonly headers?: HttpHeaders;
  readonly body: string | Uint8Array;
}

/** Options of {@link HttpHandoffFactory}. */
export interface HttpHandoffOptions {
  /** Looks up the mount for a decoded path. */
  readonly mount: (path: string) => HttpMount | undefined;
  /** Judges credentials; null serves everyone (an open server). */
  readonly bouncer: Bouncer | null;
  /** The clock for the deadlines. */
  readonly time: ReactorTime;
  /** Realm in `WWW-Authenticate` (default "torsion"). */
  readonly realm?: string;
  /** Seconds a client has to send its whole request head (default 10). */
  readonly headTimeout?: number;
  /** Seconds a request waits for a mount that is not ready yet (default 10). */
  readonly readyTimeout?: number;
  /** Largest request head, in bytes (default 16 KiB). */
  readonly maxHeadBytes?: number;
  /** Serves non-mount paths; return null for 404. May return a Deferred. */
  readonly other?: (head: HttpRequestHead, peer: Address) => HttpPlainResponse | Deferred<HttpPlainResponse | null> | null;
}

type Phase = 'head' | 'deciding' | 'done';

/** Credentials in a request: `?token=` first, then HTTP Basic. */
export function keycardFor(head: HttpRequestHead, peer: Address): Keycard | null {
  const token = head.query.get('token');
  if (token !== null && token !== '') return new HmacTokenKeycard({ token, path: head.path, address: peer });
  const auth = head.headers.get('authorization');
  const basic = auth === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
  if (basic !== null) {
    const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return new UsernamePasswordKeycard({ username: decoded.slice(0, colon), password: decoded.slice(colon + 1), address: peer });
    }
  }
  return null;
}

/** One viewer connection, from its first byte to the hand-off. */
export class HttpHandoffProtocol extends Protocol {
  private readonly reader: HttpRequestHeadReader;
  private phase: Phase = 'head';
  private headTimer: DelayedCall | null = null;
  private pending: Deferred<unknown> | null = null;

  constructor(private readonly options: HttpHandoffOptions) {
    super();
    this.reader = new HttpRequestHeadReader({ maxHeadBytes: options.maxHeadBytes ?? 16 * 1024 });
  }

  override connectionMade(): void {
    this.headTimer = this.options.time.callLater(this.options.headTimeout ?? 10, () => {
      this.headTimer = null;
      if (this.phase === 'head') this.refuse(408, 'request head not received in time');
    });
  }

  override dataReceived(data: Uint8Array): void {
    if (this.phase !== 'head') return; // ignored while deciding: the client should wait for the answer
    let result;
    try {
      result = this.reader.push(data);
    } catch (error) {
      this.refuse(error instanceof HttpError ? error.status : 400, error instanceof Error ? error.message : 'bad request');
      return;
    }
    if (result === null) return;
    this.cancelHeadTimer();
    this.phase = 'deciding';
    this.transport?.pauseProducing();
    this.route(result.head, result.leftover);
  }

  override connectionLost(reason: Failure): void {
    this.cancelHeadTimer();
    const pending = this.pending;
    this.pending = null;
    if (this.phase !== 'done') {
      this.phase = 'done';
      pending?.cancel();
    }
    super.connectionLost(reason);
  }

  private route(head: HttpRequestHead, leftover: Uint8Array): void {
    const transport = this.transport as Transport;
    const peer = transport.getPeer();
    if (head.method !== 'GET' && head.method !== 'HEAD') {
      this.refuse(405, `method ${head.method} not allowed`, { Allow: 'GET, HEAD' });
      return;
    }
    const mount = this.options.mount(head.path);
    if (mount === undefined) {
      this.serveOther(head, peer);
      return;
    }
    const { bouncer } = this.options;
    if (bouncer === null) {
      this.admit(mount, { head, identity: null, peer, leftover });
      return;
    }
    const keycard = keycardFor(head, peer);
    if (keycard === null) {
      this.refuse(401, 'credentials required', this.challenge());
      return;
    }
    const auth = bouncer.authenticate(keycard);
    this.pending = auth;
    auth.addCallbacks((result) => {
      this.pending = null;
      if (this.phase === 'deciding') this.admit(mount, { head, identity: result.identity, peer, leftover });
      return null;
    }, (failure: Failure) => {
      this.pending = null;
      if (this.phase !== 'deciding') return null;
      const error = failure.value;
      if (error instanceof AuthError) {
        const headers = error.status === 401 ? this.challenge()
          : error instanceof AuthRateLimited ? { 'Retry-After': Math.max(1, Math.ceil(error.retryAfter)) } : {};
        this.refuse(error.status, error.message, headers);
      } else {
        getLogger().error('bouncer failed', { error, path: head.path });
        this.refuse(500, 'authentication failed');
      }
      return null;
    });
  }

  private admit(mount: HttpMount, request: HandoffRequest): void {
    const refusal = mount.refusal(request);
    if (refusal !== null) {
      const location = mount.redirect?.(request) ?? null;
      if (location !== null) this.refuse(302, `${refusal}: redirected`, { Location: location }); // not the URL: it carries the token
      else this.refuse(503, refusal, { 'Retry-After': 5 });
      return;
    }
    const ready = mount.whenReady();
    if (ready === null) {
      this.stream(mount, request);
      return;
    }
    this.pending = ready;
    let timedOut = false;
    const timer = this.options.time.callLater(this.options.readyTimeout ?? 10, () => {
      timedOut = true;
      this.pending = null;
      if (this.phase === 'deciding') this.refuse(503, 'stream not ready', { 'Retry-After': 5 });
    });
    ready.addCallbacks(() => {
      if (timer.active()) timer.cancel();
      this.pending = null;
      if (!timedOut && this.phase === 'deciding') this.admit(mount, request);
      return null;
    }, () => {
      if (timer.active()) timer.cancel();
      this.pending = null;
      if (!timedOut && this.phase === 'deciding') this.refuse(503, 'stream unavailable', { 'Retry-After': 5 });
      return null;
    });
  }

  private stream(mount: HttpMount, request: HandoffRequest): void {
    const transport = this.transport as Transport;
    this.phase = 'done';
    transport.write(streamResponseHead(mount.contentType));
    if (request.head.method === 'HEAD') {
      transport.loseConnection();
      return;
    }
    mount.handOff(transport, request);
  }

  private serveOther(head: HttpRequestHead, peer: Address): void {
    const other = this.options.other?.(head, peer) ?? null;
    const send = (response: HttpPlainResponse | null): void => {
      if (this.phase !== 'deciding') return;
      if (response === null) {
        this.refuse(404, `no stream at ${head.path}`);
        return;
      }
      this.phase = 'done';
      const transport = this.transport as Transport;
      const body = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
      const full = simpleResponse(response.status, '', { ...response.headers, 'Content-Length': body.length });
      transport.write(full);
      if (head.method !== 'HEAD') transport.write(body);
      transport.loseConnection();
    };
    if (other !== null && 'addCallbacks' in other) {
      this.pending = other;
      other.addCallbacks((response) => { this.pending = null; send(response); return null; }, (failure: Failure) => {
        this.pending = null;
        getLogger().error('request handler failed', { error: failure.value, path: head.path });
        if (this.phase === 'deciding') this.refuse(500, 'internal error');
        return null;
      });
      return;
    }
    send(other);
  }

  private challenge(): HttpHeaders {
    return { 'WWW-Authenticate': `Basic realm="${this.options.realm ?? 'torsion'}", charset="UTF-8"` };
  }

  private refuse(status: number, reason: string, headers: HttpHeaders = {}): void {
    this.cancelHeadTimer();
    this.phase = 'done';
    refuseHttpRequest(this.transport, status, reason, headers, REFUSED);
  }

  private cancelHeadTimer(): void {
    if (this.headTimer?.active()) this.headTimer.cancel();
    this.headTimer = null;
  }
}

/** Builds an {@link HttpHandoffProtocol} per connection. */
export class HttpHandoffFactory extends Factory {
  constructor(private readonly handoff: HttpHandoffOptions) {
    super();
  }

  override buildProtocol(_address: Address): HttpHandoffProtocol {
    const protocol = new HttpHandoffProtocol(this.handoff);
    protocol.factory = this;
    return protocol;
  }
}
