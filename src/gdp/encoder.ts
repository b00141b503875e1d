/**
 * `encodeGdpPacket`: a packet to `[header, payload]`, byte-identical to gdppay for the same packet
 * and CRC settings (SPEC.md section 12). The two arrays are not joined (STYLE.md rule 6); a buffer
 * packet's payload is returned as is, without copying. Tests: test/gdp/encoder.test.ts.
 */
import { crc16 } from './crc16';
import { GdpEncodeError } from './errors';
import { writeGdpHeader } from './header';
import {
  GDP_BUFFER_FLAGS_MASK, GDP_FLAG_CRC_HEADER, GDP_FLAG_CRC_PAYLOAD, GDP_PAYLOAD_BUFFER, GDP_PAYLOAD_CAPS,
  GDP_PAYLOAD_EVENT_BASE, GST_NONE, type GdpPacket,
} from './packet';

/** gdppay's CRC properties: `crc-header` (default true) and `crc-payload` (default false). */
export interface GdpEncodeOptions {
  readonly crcHeader?: boolean;
  readonly crcPayload?: boolean;
}

const EMPTY = new Uint8Array(0);
const utf8 = new TextEncoder();
const MAX_U32 = 0xffffffff;

/** The CRC options gdppay must have had to write a header with this flags byte. */
export function crcOptionsFromFlags(flags: number): { crcHeader: boolean; crcPayload: boolean } {
  return { crcHeader: (flags & GDP_FLAG_CRC_HEADER) !== 0, crcPayload: (flags & GDP_FLAG_CRC_PAYLOAD) !== 0 };
}

/**
 * Serializes one packet as gdppay does: zero-filled header, version 1.0, CRC flags from `opts`,
 * buffer flags masked with 0x2C50, caps/event text followed by one NUL, events with timestamp
 * NONE and payload type `(64 + eventType) & 0xFFFF`, no payload CRC for an empty payload.
 * Throws `GdpEncodeError` for values GDP cannot carry.
 */
export function encodeGdpPacket(packet: GdpPacket, opts: GdpEncodeOptions = {}): [Uint8Array, Uint8Array] {
  const flags = (opts.crcHeader ?? true ? GDP_FLAG_CRC_HEADER : 0) | (opts.crcPayload ?? false ? GDP_FLAG_CRC_PAYLOAD : 0);
  switch (packet.kind) {
    case 'buffer': {
      const payload = packet.payload;
      if (payload.length > MAX_U32) throw new GdpEncodeError(`buffer payload of ${payload.length} bytes exceeds the 32-bit length field`);
      if (!Number.isInteger(packet.flags) || packet.flags < 0) throw new GdpEncodeError(`buffer flags must be a non-negative integer, got ${packet.flags}`);
      const header = writeGdpHeader({
        flags, payloadType: GDP_PAYLOAD_BUFFER, payloadLength: payload.length,
        pts: u64(packet.pts, 'pts'), duration: u64(packet.duration, 'duration'), offset: u64(packet.offset, 'offset'),
        offsetEnd: u64(packet.offsetEnd, 'offsetEnd'), bufferFlags: packet.flags & GDP_BUFFER_FLAGS_MASK,
        dts: u64(packet.dts, 'dts'), payloadCrc: payloadCrc(flags, payload),
      });
      return [header, payload];
    }
    case 'caps': {
      const payload = textPayload(packet.caps, 'caps');
      const header = writeGdpHeader({ flags, payloadType: GDP_PAYLOAD_CAPS, payloadLength: payload.length, payloadCrc: payloadCrc(flags, payload) });
      return [header, payload];
    }
    case 'event': {
      const t = packet.eventType;
      if (!Number.isInteger(t) || t < 0) throw new GdpEncodeError(`event type must be a non-negative integer, got ${t}`);
      const wire = (GDP_PAYLOAD_EVENT_BASE + t) % 0x10000;
      if (wire < GDP_PAYLOAD_EVENT_BASE) {
        throw new GdpEncodeError(`event type ${t} wraps to payload type ${wire}, which is not an event type on the wire`);
      }
      const payload = packet.structure === null ? EMPTY : textPayload(packet.structure, 'event structure');
      const header = writeGdpHeader({ flags, payloadType: wire, payloadLength: payload.length, pts: GST_NONE, payloadCrc: payloadCrc(flags, payload) });
      return [header, payload];
    }
    default:
      throw new GdpEncodeError(`unknown packet kind ${String((packet as { kind?: unknown }).kind)}`);
  }
}

/** Header and payload joined in one new array (convenience for files and tests). */
export function encodeGdpPacketBytes(packet: GdpPacket, opts?: GdpEncodeOptions): Uint8Array {
  const [header, payload] = encodeGdpPacket(packet, opts);
  const out = new Uint8Array(header.length + payload.length);
  out.set(header, 0);
  out.set(payload, header.length);
  return out;
}

function payloadCrc(flags: number, payload: Uint8Array): number {
  return (flags & GDP_FLAG_CRC_PAYLOAD) !== 0 && payload.length > 0 ? crc16(payload) : 0;
}

function textPayload(text: string, what: string): Uint8Array {
  if (typeof text !== 'string') throw new GdpEncodeError(`${what} must be a string`);
  if (text.includes('\0')) throw new GdpEncodeError(`${what} text contains a NUL character`);
  const bytes = utf8.encode(text);
  if (bytes.length + 1 > MAX_U32) throw new GdpEncodeError(`${what} text exceeds the 32-bit length field`);
  const payload = new Uint8Array(bytes.length + 1);
  payload.set(bytes, 0);
  return payload;
}

function u64(v: bigint, name: string): bigint {
  if (typeof v !== 'bigint' || v < 0n || v > GST_NONE) throw new GdpEncodeError(`${name} must be a bigint in [0, 2^64-1], got ${String(v)}`);
  return v;
}
