/**
 * The 62-byte GDP header (SPEC.md section 2): reading every field, checking it the way the decoder
 * does, and writing it. Tests: test/gdp/header.test.ts.
 */
import { crc16 } from './crc16';
import {
  GdpHeaderCrcError, GdpHeaderError, GdpPayloadTooLargeError, GdpPayloadTypeError, GdpVersionError,
} from './errors';
import {
  GDP_FLAG_CRC_HEADER, GDP_FLAG_CRC_PAYLOAD, GDP_HEADER_LENGTH, GDP_PAYLOAD_BUFFER, GDP_PAYLOAD_CAPS,
  GDP_PAYLOAD_EVENT_BASE, GST_NONE,
} from './packet';

/** Every field of a GDP header, as on the wire (64-bit fields as `bigint`). */
export interface GdpHeader {
  readonly versionMajor: number;
  readonly versionMinor: number;
  /** Byte 2: bit 0 header CRC present, bit 1 payload CRC present. */
  readonly flags: number;
  /** Byte 3, always 0. */
  readonly padding: number;
  /** 1 buffer, 2 caps, >= 64 event (64 + GstEventType, mod 65536). */
  readonly payloadType: number;
  readonly payloadLength: number;
  readonly pts: bigint;
  readonly duration: bigint;
  readonly offset: bigint;
  readonly offsetEnd: bigint;
  readonly bufferFlags: number;
  readonly dts: bigint;
  /** Bytes 52..57, all 0 in GDP 1.0. */
  readonly reserved: Uint8Array;
  readonly headerCrc: number;
  readonly payloadCrc: number;
}

const TWO32 = 0x1_0000_0000;

/** Big-endian unsigned 32-bit read. */
export function readU32(b: Uint8Array, at: number): number {
  return ((b[at] as number) * 0x1000000) + (((b[at + 1] as number) << 16) | ((b[at + 2] as number) << 8) |
    (b[at + 3] as number));
}

/** Big-endian unsigned 64-bit read; avoids building a BigInt from parts for 0 and NONE. */
export function readU64(b: Uint8Array, at: number): bigint {
  const hi = readU32(b, at);
  const lo = readU32(b, at + 4);
  if (hi === 0) return lo === 0 ? 0n : BigInt(lo);
  if (hi === 0xffffffff && lo === 0xffffffff) return GST_NONE;
  if (hi < 0x200000) return BigInt(hi * TWO32 + lo); // below 2^53: exact as a number
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Reads all header fields at `at` (no checks; `b` must hold 62 bytes from `at`). */
export function readGdpHeader(b: Uint8Array, at = 0): GdpHeader {
  return {
    versionMajor: b[at] as number,
    versionMinor: b[at + 1] as number,
    flags: b[at + 2] as number,
    padding: b[at + 3] as number,
    payloadType: ((b[at + 4] as number) << 8) | (b[at + 5] as number),
    payloadLength: readU32(b, at + 6),
    pts: readU64(b, at + 10),
    duration: readU64(b, at + 18),
    offset: readU64(b, at + 26),
    offsetEnd: readU64(b, at + 34),
    bufferFlags: ((b[at + 42] as number) << 8) | (b[at + 43] as number),
    dts: readU64(b, at + 44),
    reserved: b.slice(at + 52, at + 58),
    headerCrc: ((b[at + 58] as number) << 8) | (b[at + 59] as number),
    payloadCrc: ((b[at + 60] as number) << 8) | (b[at + 61] as number),
  };
}

/** What {@link checkGdpHeader} verifies besides the fixed-layout rules. */
export interface GdpHeaderCheckOptions {
  /** Verify the header CRC when flags bit 0 says one is present (default true). */
  readonly verifyCrc?: boolean;
  /** Largest payload accepted (default: no limit beyond the 32-bit field). */
  readonly maxPayloadBytes?: number;
  /** Stream position of the header, reported in errors. */
  readonly streamOffset?: number;
}

/**
 * Checks the header at `at` the way `GdpDecoder` does, before any payload is awaited: header CRC
 * (if flagged), version 1.0, no unknown flag bits, zero padding and reserved bytes, payload type
 * 1, 2 or >= 64, and the payload length limit. Throws the matching `GdpError` subclass.
 */
export function checkGdpHeader(b: Uint8Array, at = 0, opts: GdpHeaderCheckOptions = {}): void {
  const offset = opts.streamOffset ?? at;
  const flags = b[at + 2] as number;
  if ((flags & GDP_FLAG_CRC_HEADER) !== 0 && opts.verifyCrc !== false) {
    const stored = ((b[at + 58] as number) << 8) | (b[at + 59] as number);
    const computed = crc16(b, at, at + 58);
    if (stored !== computed) {
      throw new GdpHeaderCrcError(`GDP header CRC mismatch at byte ${offset}: stored 0x${hex4(stored)}, computed 0x${hex4(computed)}`, { offset });
    }
  }
  if (b[at] !== 1 || b[at + 1] !== 0) {
    throw new GdpVersionError(`GDP version ${b[at]}.${b[at + 1]} at byte ${offset}; only 1.0 is supported`, { offset });
  }
  if ((flags & ~(GDP_FLAG_CRC_HEADER | GDP_FLAG_CRC_PAYLOAD)) !== 0) {
    throw new GdpHeaderError(`GDP header at byte ${offset} has unknown flag bits 0x${flags.toString(16)}`, { offset });
  }
  if (b[at + 3] !== 0) throw new GdpHeaderError(`GDP header at byte ${offset} has non-zero padding`, { offset });
  for (let i = 52; i < 58; i++) {
    if (b[at + i] !== 0) throw new GdpHeaderError(`GDP header at byte ${offset} has non-zero reserved byte ${i}`, { offset });
  }
  const type = ((b[at + 4] as number) << 8) | (b[at + 5] as number);
  if (type !== GDP_PAYLOAD_BUFFER && type !== GDP_PAYLOAD_CAPS && type < GDP_PAYLOAD_EVENT_BASE) {
    throw new GdpPayloadTypeError(`GDP payload type ${type} at byte ${offset} is neither buffer, caps nor event`, { offset });
  }
  const length = readU32(b, at + 6);
  const max = opts.maxPayloadBytes;
  if (max !== undefined && length > max) {
    throw new GdpPayloadTooLargeError(`GDP payload of ${length} bytes at byte ${offset} exceeds maxPayloadBytes ${max}`, { offset });
  }
}

/** Header values a caller chooses; everything else is derived or zero. */
export interface GdpHeaderFields {
  readonly flags: number;
  readonly payloadType: number;
  readonly payloadLength: number;
  readonly pts?: bigint;
  readonly duration?: bigint;
  readonly offset?: bigint;
  readonly offsetEnd?: bigint;
  readonly bufferFlags?: number;
  readonly dts?: bigint;
  /** Stored at 60..61 when flags bit 1 is set (pass the CRC of the payload, 0 if empty). */
  readonly payloadCrc?: number;
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

function writeU64(b: Uint8Array, at: number, v: bigint): void {
  if (v === 0n) return; // the header starts zero-filled
  if (v === GST_NONE) {
    b.fill(0xff, at, at + 8);
    return;
  }
  writeU32(b, at, Number(v >> 32n));
  writeU32(b, at + 4, Number(v & 0xffffffffn));
}

/**
 * Writes a GDP 1.0 header into a new 62-byte array: zero-filled, version 1.0, the given fields, the
 * payload CRC when flags bit 1 is set, and the header CRC (bytes 0..57) when bit 0 is set.
 * Values are taken as given (the encoder validates ranges before calling this).
 */
export function writeGdpHeader(f: GdpHeaderFields): Uint8Array {
  const b = new Uint8Array(GDP_HEADER_LENGTH);
  b[0] = 1;
  b[2] = f.flags;
  b[4] = (f.payloadType >>> 8) & 0xff;
  b[5] = f.payloadType & 0xff;
  writeU32(b, 6, f.payloadLength);
  writeU64(b, 10, f.pts ?? 0n);
  writeU64(b, 18, f.duration ?? 0n);
  writeU64(b, 26, f.offset ?? 0n);
  writeU64(b, 34, f.offsetEnd ?? 0n);
  const bufferFlags = f.bufferFlags ?? 0;
  b[42] = (bufferFlags >>> 8) & 0xff;
  b[43] = bufferFlags & 0xff;
  writeU64(b, 44, f.dts ?? 0n);
  if ((f.flags & GDP_FLAG_CRC_PAYLOAD) !== 0) {
    const crc = f.payloadCrc ?? 0;
    b[60] = crc >>> 8;
    b[61] = crc & 0xff;
  }
  if ((f.flags & GDP_FLAG_CRC_HEADER) !== 0) {
    const crc = crc16(b, 0, 58);
    b[58] = crc >>> 8;
    b[59] = crc & 0xff;
  }
  return b;
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
