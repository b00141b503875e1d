/**
 * The producer side of an {@link IngestSource}, Icecast-style: the producer sends
 * `PUT <path>` (or `POST`, or Icecast's `SOURCE`) with HTTP Basic credentials `source:<password>`,
 * waits for `HTTP/1.0 200 OK`, then sends the stream — unchunked — until it closes the connection.
 * After the 200 the socket's fd goes to the ingest pipeline's fdsrc. With
 * `Content-Type: application/x-gdp` the stream is GDP (`… ! gdppay`): ingest over a GDP feed. Refusals: 400 (bytes sent
 * before the answer, or a bad head), 401 wrong or missing password, 404 other paths, 405 other
 * methods, 408 a head that did not arrive in time, 409 a producer already connected, 411 a chunked
 * body. Tests: test/components/ingest.test.ts.
 */
import type { Failure } from '../defer/failure';
import type { DelayedCall, ReactorTime } from '../defer/time';
import { getLogger } from '../log';
import { constantTimeEqual } from '../protocols/auth/constant-time';
import { Factory } from '../protocols/factory';
import { HttpError } from '../protocols/http/errors';
import { HttpRequestHeadReader, type HttpRequestHead } from '../protocols/http/request-head';
import { refuseHttpRequest, type RefusalLog } from '../protocols/http/refusal';
import { formatResponseHead, type HttpHeaders } from '../protocols/http/response-head';
import { Protocol } from '../protocols/protocol';
import type { Address } from '../reactor/interfaces/address';
import type { Transport } from '../reactor/interfaces/transport';
import type { Detachable } from '../gst/fd-sink-types';

/**
 * What a producer sends: `stream`, anything decodebin reads (WebM, Ogg, …); `gdp`, a GDP stream
 * (`Content-Type: application/x-gdp`: `… ! gdppay` on the producer's side), caps and timestamps
 * included, depayloaded before decoding.
 */
export type ProducerFormat = 'stream' | 'gdp';

/** The Content-Type that marks a GDP stream. */
export const GDP_CONTENT_TYPE = 'application/x-gdp';

/** Where accepted producers go (an {@link IngestSource}). */
export interface ProducerSink {
  readonly busy: boolean;
  acceptProducer(source: Detachable, peer: string, format?: ProducerFormat): PromiseLike<void>;
}

/** Options of {@link IngestFactory}. */
export interface IngestOptions {
  /** The path producers push to (`/ingest`). */
  readonly path: string;
  /** The source password (user name `source`). */
  readonly password: string;
  readonly sink: ProducerSink;
  readonly time: ReactorTime;
  /** Seconds a producer has to send its request head (default 10). */
  readonly headTimeout?: number;
}

const METHODS = ['PUT', 'POST', 'SOURCE'];
const REFUSED: RefusalLog = { message: 'producer refused', level: 'info' };

function peerName(a: Address): string {
  return a.type === 'TCP' ? `${a.host}:${a.port}` : a.type;
}

/** One producer connection, up to the hand-off of its fd. */
export class IngestProtocol extends Protocol {
  private readonly reader = new HttpRequestHeadReader({ maxHeadBytes: 16 * 1024 });
  private timer: DelayedCall | null = null;
  private done = false;

  constructor(private readonly options: IngestOptions) {
    super();
  }

  override connectionMade(): void {
    this.timer = this.options.time.callLater(this.options.headTimeout ?? 10, () => {
      this.timer = null;
      if (!this.done) this.refuse(408, 'request head not received in time');
    });
  }

  override dataReceived(data: Uint8Array): void {
    if (this.done) return;
    let result;
    try {
      result = this.reader.push(data);
    } catch (error) {
      this.refuse(error instanceof HttpError ? error.status : 400, error instanceof Error ? error.message : 'bad request');
      return;
    }
    if (result === null) return;
    this.cancelTimer();
    this.decide(result.head, result.leftover);
  }

  override connectionLost(reason: Failure): void {
    this.cancelTimer();
    this.done = true;
    super.connectionLost(reason);
  }

  private decide(head: HttpRequestHead, leftover: Uint8Array): void {
    const { options } = this;
    if (!METHODS.includes(head.method)) {
      this.refuse(405, `producers send ${METHODS.join(', ')}`, { Allow: METHODS.join(', ') });
      return;
    }
    if (head.path !== options.path) {
      this.refuse(404, `no ingest point at ${head.path}`);
      return;
    }
    if (!this.authorised(head)) {
      this.refuse(401, 'the source password is required', { 'WWW-Authenticate': 'Basic realm="torsion source", charset="UTF-8"' });
      return;
    }
    if ((head.headers.get('transfer-encoding') ?? '').toLowerCase().includes('chunked')) {
      this.refuse(411, 'send the stream unchunked, without Transfer-Encoding');
      return;
    }
    if (leftover.byteLength > 0) {
      this.refuse(400, 'wait for the 200 OK before sending the stream');
      return;
    }
    if (options.sink.busy) {
      this.refuse(409, 'another producer is connected');
      return;
    }
    const transport = this.transport as Transport;
    this.done = true;
    transport.write(formatResponseHead(200, { Server: 'torsion' }));
    const peer = peerName(transport.getPeer());
    // The fd goes to fdsrc; `detach()` flushes the 200 first.
    const type = (head.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    const format: ProducerFormat = type === GDP_CONTENT_TYPE ? 'gdp' : 'stream';
    void Promise.resolve(options.sink.acceptProducer(transport as unknown as Detachable, peer, format)).catch((error: unknown) => {
      getLogger().warn('producer refused after the hand-off', { peer, error });
    });
  }

  private authorised(head: HttpRequestHead): boolean {
    const auth = head.headers.get('authorization');
    const m = auth === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
    if (m === null) return false;
    const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0 || decoded.slice(0, colon) !== 'source') return false;
    return constantTimeEqual(Buffer.from(decoded.slice(colon + 1), 'utf8'), Buffer.from(this.options.password, 'utf8'));
  }

  private refuse(status: number, reason: string, headers: HttpHeaders = {}): void {
    this.cancelTimer();
    this.done = true;
    refuseHttpRequest(this.transport, status, reason, headers, REFUSED);
  }

  private cancelTimer(): void {
    if (this.timer?.active() === true) this.timer.cancel();
    this.timer = null;
  }
}

/** Builds an {@link IngestProtocol} per producer connection. */
export class IngestFactory extends Factory {
  constructor(private readonly ingest: IngestOptions) {
    super();
  }

  override buildProtocol(_address: Address): IngestProtocol {
    const protocol = new IngestProtocol(this.ingest);
    protocol.factory = this;
    return protocol;
  }
}
