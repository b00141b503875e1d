/**
 * Errors raised by the GDP codec (`torsion/gdp`). `GdpError` is the base of all of them; each class
 * has a stable `code`, listed under "GDP" in docs/errors.md. Tests: test/gdp/errors.test.ts.
 */
import { TorsionError, type TorsionErrorOptions } from '../errors';
import type { GdpPacket } from './packet';

/** Options of the GDP error constructors. */
export interface GdpErrorOptions extends TorsionErrorOptions {
  /** Byte position in the stream of the packet header concerned (decoder errors). */
  readonly offset?: number;
  /** Packets the same `push()` call decoded before it failed (decoder errors). */
  readonly packets?: readonly GdpPacket[];
}

/** Base class of every GDP error; never raised on its own. */
export class GdpError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_GDP';
  /** Byte position in the stream of the packet header concerned, when known. */
  readonly offset: number | undefined;
  /**
   * Packets decoded by the same `GdpDecoder.push()` call before this error (the call throws, so
   * they would otherwise be lost). Empty for errors not raised by `push()`.
   */
  packets: readonly GdpPacket[];

  constructor(message?: string, options?: GdpErrorOptions) {
    super(message, options);
    this.offset = options?.offset;
    this.packets = options?.packets ?? [];
  }
}

/** The header CRC (flags bit 0 set) does not match header bytes 0..57. */
export class GdpHeaderCrcError extends GdpError {
  override readonly code: string = 'TORSION_ERR_GDP_HEADER_CRC';
}

/** The payload CRC (flags bit 1 set, non-empty payload) does not match the payload. */
export class GdpPayloadCrcError extends GdpError {
  override readonly code: string = 'TORSION_ERR_GDP_PAYLOAD_CRC';
}

/** The version bytes are not 1.0 (GDP 0.2 and unknown versions are refused). */
export class GdpVersionError extends GdpError {
  override readonly code: string = 'TORSION_ERR_GDP_VERSION';
}

/** A header byte that must be zero is not: unknown flag bits, padding or reserved bytes. */
export class GdpHeaderError extends GdpError {
  override readonly code: string = 'TORSION_ERR_GDP_HEADER';
}

/** The payload type is 0 or 3..63 (neither buffer, caps nor event). */
export class GdpPayloadTypeError extends GdpError {
  override readonly code: string = 'TORSION_ERR_GDP_PAYLOAD_TYPE';
}

/** The header announces a payload longer than the decoder's `maxPayloadBytes`. */
export class GdpPayloadTooLargeError extends GdpError {
  override readonly code: string = 'TORSION_ERR_GDP_PAYLOAD_TOO_LARGE';
}

/** A caps or event payload is not NUL-terminated UTF-8 text (or a caps payload is empty). */
export class GdpPayloadError extends GdpError {
  override readonly code: string = 'TORSION_ERR_GDP_PAYLOAD';
}

/** A buffer packet arrived before any caps packet (gdpdepay refuses this too). */
export class GdpBufferBeforeCapsError extends GdpError {
  override readonly code: string = 'TORSION_ERR_GDP_BUFFER_BEFORE_CAPS';
}

/** `end()` was called while a packet header or payload was incomplete. */
export class GdpTruncatedError extends GdpError {
  override readonly code: string = 'TORSION_ERR_GDP_TRUNCATED';
}

/** `push()`/`end()` on a decoder that already failed; `cause` is the first error. Call `reset()`. */
export class GdpDecoderFailedError extends GdpError {
  override readonly code: string = 'TORSION_ERR_GDP_DECODER_FAILED';
}

/** `encodeGdpPacket` was given a packet that GDP cannot carry (value out of range, NUL in text). */
export class GdpEncodeError extends GdpError {
  override readonly code: string = 'TORSION_ERR_GDP_ENCODE';
}

/** A decoder or encoder option has an invalid value (e.g. a negative `maxPayloadBytes`). */
export class GdpOptionError extends GdpError {
  override readonly code: string = 'TORSION_ERR_GDP_OPTION';
}

/** GstStructure / caps text could not be parsed; `position` is the index in the text. */
export class GdpParseError extends GdpError {
  override readonly code: string = 'TORSION_ERR_GDP_PARSE';
  /** Index (in UTF-16 code units) in the text where parsing failed. */
  readonly position: number;
  /** The text that failed to parse. */
  readonly text: string;

  constructor(reason: string, text: string, position: number) {
    super(`${reason} at position ${position}: ${excerpt(text, position)}`);
    this.position = position;
    this.text = text;
  }
}

function excerpt(text: string, position: number): string {
  const start = Math.max(0, position - 20);
  const before = text.slice(start, position);
  const after = text.slice(position, position + 20);
  return `${JSON.stringify((start > 0 ? '…' : '') + before)} ⟨here⟩ ${JSON.stringify(after + (position + 20 < text.length ? '…' : ''))}`;
}
