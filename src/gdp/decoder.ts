/**
 * `GdpDecoder`: a push-driven GDP state machine (STYLE.md rule 6). It accepts any chunk
 * boundaries, checks each header completely before waiting for its payload, returns payloads as
 * views into the pushed chunk when they lie in one chunk (and, when they do not, keeps views of the
 * pieces and joins them once, when the last piece arrives: memory grows with the bytes received,
 * never with the length a header claims), and stays failed after an error until `reset()`.
 * Like ws and mqtt-packet, it keeps references to pushed chunks: do not reuse a chunk's memory
 * after pushing it (Node streams never do).
 * Tests: test/gdp/decoder.test.ts.
 */
import { crc16 } from './crc16';
import {
  GdpBufferBeforeCapsError, GdpDecoderFailedError, GdpError, GdpOptionError, GdpPayloadCrcError, GdpPayloadError,
  GdpTruncatedError,
} from './errors';
import { checkGdpHeader, readU32, readU64 } from './header';
import {
  GDP_FLAG_CRC_PAYLOAD, GDP_HEADER_LENGTH, GDP_PAYLOAD_BUFFER, GDP_PAYLOAD_CAPS, GDP_PAYLOAD_EVENT_BASE,
  type GdpPacket,
} from './packet';

/** Options of {@link GdpDecoder}. */
export interface GdpDecoderOptions {
  /**
   * Largest payload accepted, checked when the header arrives (before anything is buffered).
   * Default {@link DEFAULT_MAX_PAYLOAD_BYTES}.
   */
  readonly maxPayloadBytes?: number;
  /** Verify the CRCs the flags byte announces (default true). */
  readonly verifyCrc?: boolean;
  /**
   * Refuse a buffer packet before any caps packet, as gdpdepay does (default true). Turn off to
   * decode a stream joined in the middle.
   */
  readonly requireCapsBeforeBuffer?: boolean;
}

/** Default `maxPayloadBytes`: 64 MiB (a raw 4K RGBA frame is 33 MB). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

const STATE_HEADER = 0;
const STATE_PAYLOAD = 1;
const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Push decoder for a GDP byte stream. */
export class GdpDecoder {
  private readonly maxPayloadBytes: number;
  private readonly verifyCrc: boolean;
  private readonly requireCaps: boolean;

  private state = STATE_HEADER;
  private readonly headerBuf = new Uint8Array(GDP_HEADER_LENGTH);
  private headerFill = 0;
  private payloadPieces: Uint8Array[] | null = null;
  private payloadFill = 0;
  private failure: GdpError | null = null;
  private sawCaps = false;
  private packetStart = 0;

  // The current packet's header fields, read when its header completes.
  private type = 0;
  private length = 0;
  private flags = 0;
  private payloadCrc = 0;
  private pts = 0n;
  private dts = 0n;
  private duration = 0n;
  private offset = 0n;
  private offsetEnd = 0n;
  private bufferFlags = 0;

  constructor(opts: GdpDecoderOptions = {}) {
    const max = opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    if (!(max >= 0) || (!Number.isInteger(max) && max !== Infinity)) {
      throw new GdpOptionError(`maxPayloadBytes must be a non-negative integer or Infinity, got ${max}`);
    }
    this.maxPayloadBytes = max;
    this.verifyCrc = opts.verifyCrc ?? true;
    this.requireCaps = opts.requireCapsBeforeBuffer ?? true;
  }

  /** Stream position (bytes) of the header of the packet being decoded. */
  get position(): number {
    return this.packetStart;
  }

  /** Bytes held for an incomplete header or payload. */
  get bufferedBytes(): number {
    return this.state === STATE_HEADER ? this.headerFill : GDP_HEADER_LENGTH + this.payloadFill;
  }

  /** True after an error, until `reset()`. */
  get failed(): boolean {
    return this.failure !== null;
  }

  /**
   * Decodes as many packets as `chunk` completes. Throws a `GdpError` subclass on bad input; the
   * packets decoded by this call before the error are on the error's `packets`.
   */
  push(chunk: Uint8Array): GdpPacket[] {
    if (this.failure !== null) throw this.failedError();
    const out: GdpPacket[] = [];
    const n = chunk.length;
    let i = 0;
    try {
      while (i < n) {
        if (this.state === STATE_HEADER) {
          if (this.headerFill === 0 && n - i >= GDP_HEADER_LENGTH) {
            this.beginPacket(chunk, i);
            i += GDP_HEADER_LENGTH;
          } else {
            const take = Math.min(GDP_HEADER_LENGTH - this.headerFill, n - i);
            this.headerBuf.set(chunk.subarray(i, i + take), this.headerFill);
            this.headerFill += take;
            i += take;
            if (this.headerFill < GDP_HEADER_LENGTH) break;
            this.headerFill = 0;
            this.beginPacket(this.headerBuf, 0);
          }
          if (this.length === 0) {
            out.push(this.finish(EMPTY));
            continue;
          }
          this.state = STATE_PAYLOAD;
        }
        const length = this.length;
        if (this.payloadPieces === null && n - i >= length) {
          const payload = chunk.subarray(i, i + length);
          i += length;
          this.state = STATE_HEADER;
          out.push(this.finish(payload));
          continue;
        }
        // The payload spans chunks: keep views of the pieces (no copy yet), join them once at the end.
        let pieces = this.payloadPieces;
        if (pieces === null) {
          pieces = [];
          this.payloadPieces = pieces;
          this.payloadFill = 0;
        }
        const take = Math.min(length - this.payloadFill, n - i);
        pieces.push(chunk.subarray(i, i + take));
        this.payloadFill += take;
        i += take;
        if (this.payloadFill === length) {
          const joined = new Uint8Array(length);
          let at = 0;
          for (const piece of pieces) {
            joined.set(piece, at);
            at += piece.length;
          }
          this.payloadPieces = null;
          this.payloadFill = 0;
          this.state = STATE_HEADER;
          out.push(this.finish(joined));
        }
      }
    } catch (err) {
      if (err instanceof GdpError) {
        err.packets = out;
        this.failure = err;
      }
      throw err;
    }
    return out;
  }

  /** Signals the end of the stream: throws `GdpTruncatedError` if a packet is incomplete. */
  end(): void {
    if (this.failure !== null) throw this.failedError();
    if (this.state === STATE_PAYLOAD || this.headerFill > 0) {
      const what = this.state === STATE_PAYLOAD
        ? `payload (${this.payloadFill} of ${this.length} bytes)`
        : `header (${this.headerFill} of ${GDP_HEADER_LENGTH} bytes)`;
      const err = new GdpTruncatedError(`GDP stream ended inside a packet at byte ${this.packetStart}: incomplete ${what}`,
        { offset: this.packetStart });
      this.failure = err;
      throw err;
    }
  }

  /** Forgets all buffered bytes, any failure and the caps-seen state: ready for a new stream. */
  reset(): void {
    this.state = STATE_HEADER;
    this.headerFill = 0;
    this.payloadPieces = null;
    this.payloadFill = 0;
    this.failure = null;
    this.sawCaps = false;
    this.packetStart = 0;
  }

  private failedError(): GdpDecoderFailedError {
    const first = this.failure as GdpError;
    return new GdpDecoderFailedError(`GDP decoder failed earlier (${first.message}); call reset()`,
      { cause: first, ...(first.offset === undefined ? {} : { offset: first.offset }) });
  }

  private beginPacket(b: Uint8Array, at: number): void {
    checkGdpHeader(b, at, { verifyCrc: this.verifyCrc, maxPayloadBytes: this.maxPayloadBytes, streamOffset: this.packetStart });
    const type = ((b[at + 4] as number) << 8) | (b[at + 5] as number);
    this.type = type;
    this.flags = b[at + 2] as number;
    this.length = readU32(b, at + 6);
    this.payloadCrc = ((b[at + 60] as number) << 8) | (b[at + 61] as number);
    if (type === GDP_PAYLOAD_BUFFER) {
      if (this.requireCaps && !this.sawCaps) {
        throw new GdpBufferBeforeCapsError(`GDP buffer packet at byte ${this.packetStart} before any caps packet`,
          { offset: this.packetStart });
      }
      this.pts = readU64(b, at + 10);
      this.duration = readU64(b, at + 18);
      this.offset = readU64(b, at + 26);
      this.offsetEnd = readU64(b, at + 34);
      this.bufferFlags = ((b[at + 42] as number) << 8) | (b[at + 43] as number);
      this.dts = readU64(b, at + 44);
    }
  }

  private finish(payload: Uint8Array): GdpPacket {
    const start = this.packetStart;
    const length = this.length;
    if (this.verifyCrc && (this.flags & GDP_FLAG_CRC_PAYLOAD) !== 0 && length > 0) {
      const computed = crc16(payload);
      if (computed !== this.payloadCrc) {
        throw new GdpPayloadCrcError(`GDP payload CRC mismatch in packet at byte ${start}: stored 0x${hex4(this.payloadCrc)}, computed 0x${hex4(computed)}`,
          { offset: start });
      }
    }
    this.packetStart = start + GDP_HEADER_LENGTH + length;
    const type = this.type;
    if (type === GDP_PAYLOAD_BUFFER) {
      return { kind: 'buffer', pts: this.pts, dts: this.dts, duration: this.duration, offset: this.offset,
        offsetEnd: this.offsetEnd, flags: this.bufferFlags, payload };
    }
    if (type === GDP_PAYLOAD_CAPS) {
      if (length === 0) throw new GdpPayloadError(`GDP caps packet at byte ${start} has an empty payload`, { offset: start });
      this.sawCaps = true;
      return { kind: 'caps', caps: payloadText(payload, start) };
    }
    return { kind: 'event', eventType: type - GDP_PAYLOAD_EVENT_BASE, structure: length === 0 ? null : payloadText(payload, start) };
  }
}

/** Caps/event payload: UTF-8 text, one NUL, at the end and nowhere else. */
function payloadText(payload: Uint8Array, start: number): string {
  const nul = payload.indexOf(0);
  if (nul !== payload.length - 1) {
    throw new GdpPayloadError(nul < 0
      ? `GDP text payload in packet at byte ${start} is not NUL-terminated`
      : `GDP text payload in packet at byte ${start} has a NUL at ${nul} before its end`, { offset: start });
  }
  try {
    return utf8.decode(payload.subarray(0, nul));
  } catch (err) {
    throw new GdpPayloadError(`GDP text payload in packet at byte ${start} is not valid UTF-8`, { offset: start, cause: err });
  }
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
