/**
 * The porter reads only the request line: bytes up to the first LF (CRLF or a bare LF), bounded,
 * then `METHOD SP target SP PROTOCOL/x.y`. Everything read so far (the line and whatever came with
 * it) is kept, because it must reach the streamer untouched. Codecs do no I/O (STYLE.md rule 6).
 * Tests: test/protocols/porter/request-line.test.ts.
 */
import { HttpBadRequest } from '../http/errors';
import { RequestLineTooLong } from './errors';

/** A parsed request line, plus every byte read so far. */
export interface RequestLine {
  readonly method: string;
  /** The request target as sent (`/live.webm?token=…`). */
  readonly target: string;
  /** The decoded path of the target, without the query (`/live.webm`). */
  readonly path: string;
  /** `HTTP/1.0`, `HTTP/1.1`, `RTSP/1.0`, … */
  readonly protocol: string;
  /** All the bytes read so far, the line included: the streamer must see them first. */
  readonly buffered: Uint8Array;
}

const LINE = /^([A-Za-z][A-Za-z0-9_-]*) (\S+) ([A-Z]+\/\d\.\d)$/;

/** The decoded path of a request target (origin form `/p` or absolute form `http://h/p`); null otherwise. */
export function targetPath(target: string): string | null {
  if (!target.startsWith('/') && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target)) return null;
  let pathname: string;
  try {
    pathname = new URL(target, 'http://porter.invalid').pathname;
  } catch {
    return null;
  }
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

/** Accumulates bytes until the request line is complete. */
export class RequestLineReader {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  private done = false;

  /** @param maxLineBytes the longest line accepted, terminator included (default 4096, as Flumotion). */
  constructor(private readonly maxLineBytes = 4096) {}

  /**
   * Adds bytes; returns the request line once its LF has arrived, else null. Throws
   * `RequestLineTooLong` past the limit and `HttpBadRequest` for a malformed line. Further pushes
   * after a result throw `HttpBadRequest` (the reader is single-use).
   */
  push(data: Uint8Array): RequestLine | null {
    if (this.done) throw new HttpBadRequest('the request line was already read');
    const before = this.size;
    this.chunks.push(data);
    this.size += data.length;
    const lf = data.indexOf(0x0a);
    if (lf < 0) {
      if (this.size >= this.maxLineBytes) throw new RequestLineTooLong(`request line longer than ${this.maxLineBytes} bytes`);
      return null;
    }
    if (before + lf + 1 > this.maxLineBytes) throw new RequestLineTooLong(`request line longer than ${this.maxLineBytes} bytes`);
    this.done = true;
    const buffered = this.chunks.length === 1 ? data : Buffer.concat(this.chunks, this.size);
    let end = before + lf;
    if (end > 0 && buffered[end - 1] === 0x0d) end -= 1;
    const text = Buffer.from(buffered.buffer, buffered.byteOffset, end).toString('latin1');
    const match = LINE.exec(text);
    if (match === null) throw new HttpBadRequest(`malformed request line: ${JSON.stringify(text.slice(0, 80))}`);
    const target = match[2] as string;
    const path = targetPath(target);
    if (path === null || !path.startsWith('/')) throw new HttpBadRequest(`malformed request target: ${JSON.stringify(target.slice(0, 80))}`);
    return { method: match[1] as string, target, path, protocol: match[3] as string, buffered };
  }
}
