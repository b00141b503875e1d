/**
 * Helpers shared by the GDP tests: the vectors in ./vectors (copied from the project's shared GDP vectors, made by the real gdppay) with their JSON sidecars,
 * the packets each sidecar describes, and chunk-splitting helpers. Not a test file itself.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GdpDecoder, type GdpPacket } from '../../src/gdp/index';

export const VECTOR_DIR = fileURLToPath(new URL('./vectors/', import.meta.url));

export interface VectorPacketJson {
  index: number; byte_offset: number; kind: string; version: [number, number]; header_flags: number;
  payload_type: number; event_type?: number; event_name?: string; payload_length: number;
  pts: string; duration: string; offset: string; offset_end: string; dts: string;
  buffer_flags: number; crc_header: number; crc_header_computed: number; crc_payload: number;
  crc_payload_computed: number; payload_sha256: string; payload_text?: string; header_hex: string;
  truncated_payload?: boolean;
}

export interface GdpdepayOutputJson {
  kind: 'buffer' | 'event'; event_type?: number; event_name?: string; structure?: string | null; caps?: string;
  size?: number; pts?: string; dts?: string; duration?: string; offset?: string; offset_end?: string;
  flags?: number; sha256?: string;
}

export interface VectorJson {
  name: string; category: string; description: string; file_size: number; file_sha256: string;
  packet_count: number; packets: VectorPacketJson[];
  generated_by: { gdppay_properties?: { 'crc-header': boolean; 'crc-payload': boolean } };
  gdpdepay: { result: 'eos' | 'error'; errors: Array<{ source: string; debug_tail: string }>; output: GdpdepayOutputJson[] };
}

export interface Vector {
  name: string;
  bytes: Uint8Array;
  json: VectorJson;
}

export function loadVectors(): Vector[] {
  return readdirSync(VECTOR_DIR).filter((f) => f.endsWith('.gdp')).sort().map((f) => {
    const name = f.slice(0, -4);
    return {
      name,
      bytes: new Uint8Array(readFileSync(`${VECTOR_DIR}${f}`)),
      json: JSON.parse(readFileSync(`${VECTOR_DIR}${name}.json`, 'utf8')) as VectorJson,
    };
  });
}

export const validVectors = (): Vector[] => loadVectors().filter((v) => !v.json.category.startsWith('corrupt') && v.json.category !== 'edge');
export const damagedVectors = (): Vector[] => loadVectors().filter((v) => v.json.category.startsWith('corrupt') || v.json.category === 'edge');

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A comparable summary of a packet (payloads by hash), so that deep equality is cheap and clear. */
export type PacketSummary =
  | { kind: 'buffer'; pts: string; dts: string; duration: string; offset: string; offsetEnd: string; flags: number; size: number; sha256: string }
  | { kind: 'caps'; caps: string }
  | { kind: 'event'; eventType: number; structure: string | null };

export function summarize(p: GdpPacket): PacketSummary {
  switch (p.kind) {
    case 'buffer':
      return { kind: 'buffer', pts: p.pts.toString(), dts: p.dts.toString(), duration: p.duration.toString(),
        offset: p.offset.toString(), offsetEnd: p.offsetEnd.toString(), flags: p.flags, size: p.payload.length, sha256: sha256(p.payload) };
    case 'caps':
      return { kind: 'caps', caps: p.caps };
    case 'event':
      return { kind: 'event', eventType: p.eventType, structure: p.structure };
  }
}

/** The packets a sidecar describes (complete packets only). */
export function expectedPackets(json: VectorJson): PacketSummary[] {
  return json.packets.filter((p) => p.truncated_payload !== true).map((p): PacketSummary => {
    if (p.kind === 'buffer') {
      return { kind: 'buffer', pts: p.pts, dts: p.dts, duration: p.duration, offset: p.offset, offsetEnd: p.offset_end,
        flags: p.buffer_flags, size: p.payload_length, sha256: p.payload_sha256 };
    }
    if (p.kind === 'caps') return { kind: 'caps', caps: p.payload_text ?? '' };
    return { kind: 'event', eventType: p.event_type ?? -1, structure: p.payload_length === 0 ? null : (p.payload_text ?? '') };
  });
}

/** Cheap structural equality of two decoded packet lists (payload bytes compared exactly). */
export function samePackets(a: readonly GdpPacket[], b: readonly GdpPacket[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as GdpPacket;
    const y = b[i] as GdpPacket;
    if (x.kind !== y.kind) return false;
    if (x.kind === 'buffer' && y.kind === 'buffer') {
      if (x.pts !== y.pts || x.dts !== y.dts || x.duration !== y.duration || x.offset !== y.offset ||
        x.offsetEnd !== y.offsetEnd || x.flags !== y.flags || !Buffer.from(x.payload).equals(Buffer.from(y.payload))) return false;
    } else if (x.kind === 'caps' && y.kind === 'caps') {
      if (x.caps !== y.caps) return false;
    } else if (x.kind === 'event' && y.kind === 'event') {
      if (x.eventType !== y.eventType || x.structure !== y.structure) return false;
    }
  }
  return true;
}

/** Feeds `chunks` to a fresh decoder; returns all packets, or the error thrown (with the packets before it). */
export function decodeChunks(chunks: Iterable<Uint8Array>, opts?: ConstructorParameters<typeof GdpDecoder>[0]):
  { packets: GdpPacket[]; error: unknown } {
  const d = new GdpDecoder(opts);
  const packets: GdpPacket[] = [];
  try {
    for (const c of chunks) packets.push(...d.push(c));
    d.end();
    return { packets, error: undefined };
  } catch (err) {
    if (err !== null && typeof err === 'object' && 'packets' in err) packets.push(...(err as { packets: GdpPacket[] }).packets);
    return { packets, error: err };
  }
}

/** Splits into pieces at the given cut offsets (sorted, within range). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of cuts) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  out.push(bytes.subarray(prev));
  return out;
}

export function* byteByByte(bytes: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
}

/** Header start offsets of the packets in a well-formed stream. */
export function packetOffsets(json: VectorJson): number[] {
  return json.packets.map((p) => p.byte_offset);
}
