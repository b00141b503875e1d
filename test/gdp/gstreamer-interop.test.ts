/**
 * Interop with the real elements (GStreamer 1.22): streams made by gdppay at test time are decoded,
 * their text is parsed and printed back identically and they re-encode byte for byte; streams made
 * by our encoder are decoded by gdpdepay (buffer count, timestamps, caps) and survive
 * `gdpdepay ! gdppay` unchanged. Every process runs under a timeout.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  GST_NONE, GdpDecoder, crcOptionsFromFlags, encodeGdpPacket, parseCaps, parseStructure, printCaps, printStructure,
  readGdpHeader, type GdpPacket,
} from '../../src/gdp/index';

interface Run { code: number | null; stdout: Buffer; stderr: string }

function gst(args: string[], input?: Uint8Array[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('gst-launch-1.0', args, { timeout: 30_000, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
    child.stdin.on('error', () => { /* the process may exit before reading everything */ });
    for (const chunk of input ?? []) child.stdin.write(chunk);
    child.stdin.end();
  });
}

const launch = (pipeline: string): string[] => ['-q', ...pipeline.split(' ')];

/** Splits a stream into [header, payload] slices, packet by packet. */
function headers(bytes: Uint8Array): number[] {
  const flags: number[] = [];
  for (let at = 0; at < bytes.length;) {
    const h = readGdpHeader(bytes, at);
    flags.push(h.flags);
    at += 62 + h.payloadLength;
  }
  return flags;
}

function checkFreshStream(bytes: Uint8Array, wantFlags: number): GdpPacket[] {
  const d = new GdpDecoder();
  const packets = d.push(bytes);
  d.end();
  const flags = headers(bytes);
  expect(flags.every((f) => f === wantFlags)).toBe(true);
  // the text GStreamer wrote parses and prints back identically
  for (const p of packets) {
    if (p.kind === 'caps') expect(printCaps(parseCaps(p.caps))).toBe(p.caps);
    if (p.kind === 'event' && p.structure !== null) expect(printStructure(parseStructure(p.structure))).toBe(p.structure);
  }
  // and the packets re-encode to the same bytes
  const again = Buffer.concat(packets.flatMap((p, i) => encodeGdpPacket(p, crcOptionsFromFlags(flags[i] as number))));
  expect(again.equals(Buffer.from(bytes))).toBe(true);
  return packets;
}

describe('decoding streams made by gdppay now', () => {
  it('raw video, default CRCs (header only)', async () => {
    const r = await gst(launch('videotestsrc num-buffers=6 ! video/x-raw,format=I420,width=32,height=24,framerate=10/1 ! gdppay ! fdsink fd=1'));
    expect(r.code).toBe(0);
    const packets = checkFreshStream(r.stdout, 0x01);
    const buffers = packets.filter((p) => p.kind === 'buffer');
    expect(buffers.map((b) => b.pts)).toEqual([0n, 100000000n, 200000000n, 300000000n, 400000000n, 500000000n]);
    expect(buffers.every((b) => b.payload.length === 32 * 24 * 3 / 2)).toBe(true);
  });

  it('raw audio, payload CRC only', async () => {
    const r = await gst(launch('audiotestsrc num-buffers=5 samplesperbuffer=160 ! audio/x-raw,format=S16LE,rate=16000,channels=2 ! gdppay crc-header=false crc-payload=true ! fdsink fd=1'));
    expect(r.code).toBe(0);
    const packets = checkFreshStream(r.stdout, 0x02);
    const buffers = packets.filter((p) => p.kind === 'buffer');
    expect(buffers).toHaveLength(5);
    expect(buffers.map((b) => b.offset)).toEqual([0n, 160n, 320n, 480n, 640n]);
    expect(buffers.every((b) => b.payload.length === 640 && b.duration === 10000000n)).toBe(true);
    expect(packets.some((p) => p.kind === 'event' && p.structure?.startsWith('GstTagList-'))).toBe(true);
  });

  it('VP8 in WebM, both CRCs', async () => {
    const r = await gst(launch('videotestsrc num-buffers=5 ! video/x-raw,width=32,height=24,framerate=10/1 ! vp8enc ! webmmux ! gdppay crc-payload=true ! fdsink fd=1'));
    expect(r.code).toBe(0);
    const packets = checkFreshStream(r.stdout, 0x03);
    const caps = packets.filter((p) => p.kind === 'caps');
    expect(caps.length).toBeGreaterThanOrEqual(2);
    const last = parseCaps(caps[caps.length - 1]?.kind === 'caps' ? (caps[caps.length - 1] as { caps: string }).caps : '');
    expect(last.structures[0]?.structure.fields.get('streamheader')?.kind).toBe('array');
    expect(packets.filter((p) => p.kind === 'buffer' && (p.flags & 0x400) !== 0).length).toBeGreaterThan(0);
  });

  it('Vorbis, no CRCs', async () => {
    const r = await gst(launch('audiotestsrc num-buffers=3 ! audioconvert ! vorbisenc ! gdppay crc-header=false ! fdsink fd=1'));
    expect(r.code).toBe(0);
    const packets = checkFreshStream(r.stdout, 0x00);
    const headerBufs = packets.filter((p) => p.kind === 'buffer' && (p.flags & 0x400) !== 0);
    expect(headerBufs).toHaveLength(3);
    expect(headerBufs.every((b) => b.kind === 'buffer' && b.pts === GST_NONE)).toBe(true);
  });
});

/** A stream built by our encoder: stream-start, caps, segment, then `n` GRAY8 4x4 frames. */
function ourStream(n: number, crc: { crcHeader: boolean; crcPayload: boolean }): { chunks: Uint8Array[]; packets: GdpPacket[] } {
  const packets: GdpPacket[] = [
    { kind: 'event', eventType: 10254, structure: 'GstEventStreamStart, stream-id=(string)torsion/test, flags=(GstStreamFlags)GST_STREAM_FLAG_NONE, group-id=(uint)3;' },
    { kind: 'caps', caps: 'video/x-raw, format=(string)GRAY8, width=(int)4, height=(int)4, framerate=(fraction)25/1' },
    { kind: 'event', eventType: 17934, structure: 'GstEventSegment, segment=(GstSegment)"segment, flags=(GstSegmentFlags)GST_SEGMENT_FLAG_NONE, rate=(double)1, applied-rate=(double)1, format=(GstFormat)time, base=(guint64)0, offset=(guint64)0, start=(guint64)0, stop=(guint64)18446744073709551615, time=(guint64)0, position=(guint64)0, duration=(guint64)18446744073709551615;";' },
  ];
  for (let i = 0; i < n; i++) {
    packets.push({ kind: 'buffer', pts: BigInt(i) * 40000000n, dts: GST_NONE, duration: 40000000n, offset: BigInt(i), offsetEnd: BigInt(i + 1),
      flags: i === 0 ? 0x40 : 0, payload: new Uint8Array(16).fill(i * 10) });
  }
  return { chunks: packets.flatMap((p) => encodeGdpPacket(p, crc)), packets };
}

interface Chain { bytes: number; dts: string; pts: string; duration: string; offset: string; offsetEnd: string; flags: string }

function fakesinkChains(stderrAndStdout: string): Chain[] {
  const re = /last-message = chain .*?\((\d+) bytes, dts: ([^,]+), pts: ([^,]+), duration: ([^,]+), offset: ([^,]+), offset_end: ([^,]+), flags: (\w+)/g;
  return [...stderrAndStdout.matchAll(re)].map((m) => ({ bytes: Number(m[1]), dts: m[2] as string, pts: m[3] as string, duration: m[4] as string,
    offset: m[5] as string, offsetEnd: m[6] as string, flags: m[7] as string }));
}

describe('gdpdepay decoding streams made by our encoder', () => {
  it.each([
    ['header CRC', { crcHeader: true, crcPayload: false }],
    ['both CRCs', { crcHeader: true, crcPayload: true }],
    ['no CRC', { crcHeader: false, crcPayload: false }],
  ] as const)('%s: buffer count, timestamps and caps as sent', async (_n, crc) => {
    const { chunks } = ourStream(7, crc);
    const r = await gst(['-v', 'fdsrc', 'fd=0', '!', 'gdpdepay', '!', 'fakesink', 'silent=false', 'async=false'], chunks);
    expect(r.code, r.stderr).toBe(0);
    const text = r.stdout.toString();
    const chains = fakesinkChains(text);
    expect(chains).toHaveLength(7);
    expect(chains.map((c) => c.pts)).toEqual(['0:00:00.000000000', '0:00:00.040000000', '0:00:00.080000000', '0:00:00.120000000',
      '0:00:00.160000000', '0:00:00.200000000', '0:00:00.240000000']);
    expect(chains.every((c, i) => c.bytes === 16 && c.dts === 'none' && c.duration === '0:00:00.040000000' &&
      c.offset === String(i) && c.offsetEnd === String(i + 1))).toBe(true);
    expect(chains[0]?.flags).toBe('00000040');
    expect(text).toContain('gdpdepay0.GstPad:src: caps = video/x-raw, format=(string)GRAY8, width=(int)4, height=(int)4, framerate=(fraction)25/1');
    expect(text).toContain('stream-id=(string)torsion/test');
  });

  it('gdpdepay ! gdppay gives back our bytes exactly', async () => {
    const crc = { crcHeader: true, crcPayload: true };
    const { chunks } = ourStream(4, crc);
    const r = await gst(launch('fdsrc fd=0 ! gdpdepay ! gdppay crc-header=true crc-payload=true ! fdsink fd=1'), chunks);
    expect(r.code).toBe(0);
    expect(r.stdout.equals(Buffer.concat(chunks))).toBe(true);
  });

  it('gdpdepay rejects our stream once a header CRC is broken (our CRCs are the ones it checks)', async () => {
    const { chunks } = ourStream(3, { crcHeader: true, crcPayload: false });
    const bad = chunks.map((c) => c.slice());
    const lastHeader = bad[bad.length - 2] as Uint8Array;
    lastHeader[59] = (lastHeader[59] as number) ^ 0xff;
    const r = await gst(['fdsrc', 'fd=0', '!', 'gdpdepay', '!', 'fakesink', 'async=false'], bad);
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout.toString()).toContain('GDP packet header does not validate');
  });
});
