/**
 * Reads an HTTP/1.x request head from a byte stream with Node's own HTTP parser (llhttp, through
 * `_http_common`), never a hand-written one. The head ends at the first blank line; only the bytes
 * up to it are given to the parser, so whatever follows (a body, or bytes a client sent early) is
 * returned untouched as `leftover`. Size is capped before buffering. Pure of I/O: the hand-off
 * protocol feeds it. Tests: test/protocols/http/request-head.test.ts.
 */
import { createRequire } from 'node:module';
import { HttpBadRequest, HttpHeadTooLarge } from './errors';

/** A parsed request head. Header names are lower-cased; repeated headers are joined with ", ". */
export interface HttpRequestHead {
  readonly method: string;
  /** The request target as sent (path and query). */
  readonly target: string;
  /** The decoded path of the target, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly httpVersion: '1.0' | '1.1';
  readonly headers: ReadonlyMap<string, string>;
  /** Names and values in the order sent, as Node's `rawHeaders`. */
  readonly rawHeaders: readonly string[];
}

/** Outcome of a complete head: the head and the bytes that followed it. */
export interface HttpHeadResult {
  readonly head: HttpRequestHead;
  readonly leftover: Uint8Array;
}

/** Options of {@link HttpRequestHeadReader}. */
export interface HttpRequestHeadReaderOptions {
  /** Largest head accepted, in bytes (default 16 KiB). */
  readonly maxHeadBytes?: number;
}

interface NodeHttpParser {
  initialize(type: number, resource: object, maxHeaderSize?: number): void;
  execute(data: Uint8Array): number | (Error & { code?: string; bytesParsed?: number });
  finish(): unknown;
  close(): void;
  [key: number]: unknown;
}
interface NodeHttpCommon {
  HTTPParser: { new(): NodeHttpParser; REQUEST: number; kOnHeaders: number; kOnHeadersComplete: number };
  methods: readonly string[];
}

let httpCommon: NodeHttpCommon | undefined;
function loadHttpCommon(): NodeHttpCommon {
  httpCommon ??= (typeof require === 'function' ? require : createRequire(import.meta.url))('_http_common') as NodeHttpCommon;
  return httpCommon;
}

const CR = 13;
const LF = 10;

/** Index just past the first CRLF CRLF in `bytes` (searching from `from`), or -1. */
function headEnd(bytes: Uint8Array, from: number): number {
  for (let i = Math.max(3, from); i < bytes.length; i++) {
    if (bytes[i] === LF && bytes[i - 1] === CR && bytes[i - 2] === LF && bytes[i - 3] === CR) return i + 1;
  }
  return -1;
}

/**
 * Accumulates bytes until a whole request head arrived. `push()` returns null while the head is
 * incomplete, the result once it is complete, and throws `HttpBadRequest` or `HttpHeadTooLarge`.
 */
export class HttpRequestHeadReader {
  private readonly maxHeadBytes: number;
  private chunks: Uint8Array[] = [];
  private length = 0;
  private done = false;

  constructor(options: HttpRequestHeadReaderOptions = {}) {
    this.maxHeadBytes = options.maxHeadBytes ?? 16 * 1024;
  }

  /** Bytes buffered so far. */
  get buffered(): number {
    return this.length;
  }

  push(chunk: Uint8Array): HttpHeadResult | null {
    if (this.done) throw new HttpBadRequest('request head already read');
    const searchFrom = Math.max(0, this.length - 3);
    this.chunks.push(chunk);
    this.length += chunk.length;
    const bytes = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.length);
    this.chunks = [bytes];
    const end = headEnd(bytes, searchFrom);
    if (end < 0) {
      if (this.length > this.maxHeadBytes) throw new HttpHeadTooLarge(`request head exceeds ${this.maxHeadBytes} bytes`);
      return null;
    }
    if (end > this.maxHeadBytes) throw new HttpHeadTooLarge(`request head exceeds ${this.maxHeadBytes} bytes`);
    this.done = true;
    this.chunks = [];
    const head = parseHead(bytes.subarray(0, end), this.maxHeadBytes);
    return { head, leftover: bytes.subarray(end) };
  }
}

function parseHead(bytes: Uint8Array, maxHeadBytes: number): HttpRequestHead {
  const { HTTPParser, methods } = loadHttpCommon();
  const parser = new HTTPParser();
  parser.initialize(HTTPParser.REQUEST, {}, maxHeadBytes);
  const raw: string[] = [];
  let complete: { major: number; minor: number; method: string; target: string } | undefined;
  let partialUrl = '';
  parser[HTTPParser.kOnHeaders] = (headers: string[], url: string): void => {
    raw.push(...headers);
    partialUrl += url;
  };
  parser[HTTPParser.kOnHeadersComplete] = (major: number, minor: number, headers: string[] | undefined,
    method: number, url: string | undefined): number => {
    if (headers !== undefined) raw.push(...headers);
    complete = { major, minor, method: methods[method] ?? 'UNKNOWN', target: partialUrl + (url ?? '') };
    return 1; // no body is read by the hand-off
  };
  let result: ReturnType<NodeHttpParser['execute']>;
  try {
    result = parser.execute(bytes);
  } finally {
    parser.close();
  }
  if (typeof result !== 'number') throw new HttpBadRequest(`malformed request head: ${result.code ?? result.message}`, result.code, { cause: result });
  if (complete === undefined) throw new HttpBadRequest('malformed request head: incomplete');
  if (complete.major !== 1 || (complete.minor !== 0 && complete.minor !== 1)) {
    throw new HttpBadRequest(`unsupported HTTP version ${complete.major}.${complete.minor}`);
  }
  const headers = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const prev = headers.get(name);
    headers.set(name, prev === undefined ? value : `${prev}, ${value}`);
  }
  let url: URL;
  try {
    url = new URL(complete.target, 'http://localhost');
  } catch (error) {
    throw new HttpBadRequest(`malformed request target ${JSON.stringify(complete.target)}`, undefined, { cause: error });
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch (error) {
    throw new HttpBadRequest(`malformed percent-encoding in ${JSON.stringify(url.pathname)}`, undefined, { cause: error });
  }
  return {
    method: complete.method,
    target: complete.target,
    path,
    query: url.searchParams,
    httpVersion: complete.minor === 0 ? '1.0' : '1.1',
    headers,
    rawHeaders: raw,
  };
}
