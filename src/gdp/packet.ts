/**
 * The GDP packet model and wire constants (SPEC.md sections 2-6). Tests: test/gdp/packet.test.ts.
 */

/** GStreamer's "none" for timestamps and offsets (GST_CLOCK_TIME_NONE / GST_BUFFER_OFFSET_NONE). */
export const GST_NONE = 0xffffffffffffffffn;

/** Length of a GDP 1.0 header in bytes. */
export const GDP_HEADER_LENGTH = 62;

/** Header flags byte (offset 2): bit 0 = header CRC present, bit 1 = payload CRC present. */
export const GDP_FLAG_CRC_HEADER = 0x01;
export const GDP_FLAG_CRC_PAYLOAD = 0x02;

/** Payload type numbers (offset 4): events are `GDP_PAYLOAD_EVENT_BASE + GstEventType`, mod 65536. */
export const GDP_PAYLOAD_BUFFER = 1;
export const GDP_PAYLOAD_CAPS = 2;
export const GDP_PAYLOAD_EVENT_BASE = 64;

/** The buffer flags gdppay keeps (LIVE, DISCONT, HEADER, GAP, DELTA_UNIT). */
export const GDP_BUFFER_FLAGS_MASK = 0x2c50;

/** A buffer packet: the buffer's bytes and metadata (all 64-bit fields as `bigint`). */
export interface GdpBufferPacket {
  readonly kind: 'buffer';
  /** Presentation timestamp in ns, or {@link GST_NONE}. */
  readonly pts: bigint;
  /** Decoding timestamp in ns, or {@link GST_NONE}. */
  readonly dts: bigint;
  /** Duration in ns, or {@link GST_NONE}. */
  readonly duration: bigint;
  /** Media-specific offset (frame number, sample, byte position...), or {@link GST_NONE}. */
  readonly offset: bigint;
  readonly offsetEnd: bigint;
  /** GstBufferFlags (16 bits on the wire; see {@link GST_BUFFER_FLAG_NAMES}). */
  readonly flags: number;
  /** The payload; a view into the pushed chunk when the payload lay in one chunk. */
  readonly payload: Uint8Array;
}

/** A caps packet: the caps as GStreamer's caps-to-string prints them (without the trailing NUL). */
export interface GdpCapsPacket {
  readonly kind: 'caps';
  readonly caps: string;
}

/**
 * An event packet. `eventType` is the GstEventType as gdpdepay rebuilds it: the wire payload type
 * minus 64 (so custom types at or above 65472 come back wrapped, e.g. 71686 as 6150). `structure`
 * is the serialized GstStructure without the trailing NUL, or `null` for an empty payload.
 */
export interface GdpEventPacket {
  readonly kind: 'event';
  readonly eventType: number;
  readonly structure: string | null;
}

/** One GDP packet. */
export type GdpPacket = GdpBufferPacket | GdpCapsPacket | GdpEventPacket;

/** GstBufferFlags bit values (GStreamer 1.x) and their names. */
export const GST_BUFFER_FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x0010, 'live'],
  [0x0020, 'decode-only'],
  [0x0040, 'discont'],
  [0x0080, 'resync'],
  [0x0100, 'corrupted'],
  [0x0200, 'marker'],
  [0x0400, 'header'],
  [0x0800, 'gap'],
  [0x1000, 'droppable'],
  [0x2000, 'delta-unit'],
  [0x4000, 'tag-memory'],
  [0x8000, 'sync-after'],
];

export const GST_BUFFER_FLAG_LIVE = 0x0010;
export const GST_BUFFER_FLAG_DISCONT = 0x0040;
export const GST_BUFFER_FLAG_HEADER = 0x0400;
export const GST_BUFFER_FLAG_GAP = 0x0800;
export const GST_BUFFER_FLAG_DELTA_UNIT = 0x2000;

/** Names of the set GstBufferFlags bits; unknown bits as `0x…`. */
export function bufferFlagNames(flags: number): string[] {
  const names: string[] = [];
  let rest = flags;
  for (const [bit, name] of GST_BUFFER_FLAG_NAMES) {
    if ((flags & bit) !== 0) {
      names.push(name);
      rest &= ~bit;
    }
  }
  if (rest !== 0) names.push(`0x${rest.toString(16)}`);
  return names;
}
