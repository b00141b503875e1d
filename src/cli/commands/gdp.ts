/**
 * `torsion gdp inspect <file|->`: decodes a GDP stream and prints one line per packet (`--json`:
 * one JSON object per line). On a bad stream it prints the packets decoded before the error, then
 * the error on stderr, and exits with 1. Tests: test/cli/gdp.test.ts.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Command, CommandIO } from '../command';
import {
  GDP_HEADER_LENGTH, GST_NONE, GdpDecoder, GdpError, bufferFlagNames, gstEventTypeName, type GdpPacket,
} from '../../gdp/index';

const HELP = `Usage: torsion gdp inspect [options] <file|->

Decodes a GStreamer Data Protocol (GDP) stream, as written by gdppay, and prints one line per
packet. Use - to read standard input.

Options:
  --json               one JSON object per line: kind, 64-bit fields as decimal strings, flags by
                       name, payload length, caps/event text
  --no-verify-crc      do not check the header and payload CRCs
  --max-payload <n>    refuse payloads above n bytes (default 67108864)
  --allow-no-caps      accept buffers before any caps packet (a stream joined midway)
  -h, --help           show this help

Exit status: 0 for a complete, valid stream; 1 for a bad or truncated stream (the packets decoded
before the error are printed first); 2 for a usage error.
`;

interface Options {
  json: boolean;
  verifyCrc: boolean;
  maxPayloadBytes: number | undefined;
  requireCaps: boolean;
  input: string;
}

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

function payloadLength(p: GdpPacket): number {
  if (p.kind === 'buffer') return p.payload.length;
  if (p.kind === 'caps') return utf8Length(p.caps) + 1;
  return p.structure === null ? 0 : utf8Length(p.structure) + 1;
}

/** GStreamer's time format (H:MM:SS.nnnnnnnnn), `none` for GST_NONE. */
export function formatClockTime(t: bigint): string {
  if (t === GST_NONE) return 'none';
  const ns = t % 1_000_000_000n;
  const s = t / 1_000_000_000n;
  return `${s / 3600n}:${String((s / 60n) % 60n).padStart(2, '0')}:${String(s % 60n).padStart(2, '0')}.${String(ns).padStart(9, '0')}`;
}

const u64 = (v: bigint): string => (v === GST_NONE ? 'none' : v.toString());

/** One text line for a packet. */
export function packetLine(p: GdpPacket, index: number, offset: number): string {
  const at = `#${index} @${offset}`;
  switch (p.kind) {
    case 'buffer': {
      const flags = bufferFlagNames(p.flags);
      return `${at} buffer size=${p.payload.length} pts=${formatClockTime(p.pts)} dts=${formatClockTime(p.dts)} ` +
        `duration=${formatClockTime(p.duration)} offset=${u64(p.offset)} offset-end=${u64(p.offsetEnd)} ` +
        `flags=${flags.length > 0 ? flags.join('+') : 'none'}`;
    }
    case 'caps':
      return `${at} caps ${p.caps}`;
    case 'event':
      return `${at} event ${gstEventTypeName(p.eventType)} (${p.eventType})${p.structure === null ? '' : ` ${p.structure}`}`;
  }
}

/** One JSON object for a packet. */
export function packetJson(p: GdpPacket, index: number, offset: number): Record<string, unknown> {
  const base = { index, byteOffset: offset, kind: p.kind, payloadLength: payloadLength(p) };
  switch (p.kind) {
    case 'buffer':
      return { ...base, pts: p.pts.toString(), dts: p.dts.toString(), duration: p.duration.toString(),
        offset: p.offset.toString(), offsetEnd: p.offsetEnd.toString(), flags: bufferFlagNames(p.flags), flagBits: p.flags };
    case 'caps':
      return { ...base, caps: p.caps };
    case 'event':
      return { ...base, eventType: p.eventType, eventName: gstEventTypeName(p.eventType), structure: p.structure };
  }
}

function parseArgs(argv: readonly string[]): Options | string {
  const o: Options = { json: false, verifyCrc: true, maxPayloadBytes: undefined, requireCaps: true, input: '' };
  let input: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--json') o.json = true;
    else if (a === '--no-verify-crc') o.verifyCrc = false;
    else if (a === '--allow-no-caps') o.requireCaps = false;
    else if (a === '--max-payload') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 0) return '--max-payload needs a non-negative integer';
      o.maxPayloadBytes = n;
    } else if (a !== '-' && a.startsWith('-')) return `unknown option ${a}`;
    else if (input === undefined) input = a;
    else return `unexpected argument ${a}`;
  }
  if (input === undefined) return 'missing input (a file, or - for standard input)';
  o.input = input;
  return o;
}

async function inspect(o: Options, io: CommandIO): Promise<number> {
  const decoder = new GdpDecoder({
    verifyCrc: o.verifyCrc, requireCapsBeforeBuffer: o.requireCaps,
    ...(o.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: o.maxPayloadBytes }),
  });
  let index = 0;
  let offset = 0;
  const print = (packets: readonly GdpPacket[]): void => {
    if (packets.length === 0) return;
    let out = '';
    for (const p of packets) {
      out += `${o.json ? JSON.stringify(packetJson(p, index, offset)) : packetLine(p, index, offset)}\n`;
      index++;
      offset += GDP_HEADER_LENGTH + payloadLength(p);
    }
    io.stdout.write(out);
  };
  const source: Readable = o.input === '-' ? io.stdin : createReadStream(o.input);
  try {
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
      print(decoder.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk));
    }
    decoder.end();
  } catch (err) {
    if (err instanceof GdpError) {
      print(err.packets);
      io.stderr.write(`torsion gdp inspect: ${o.input === '-' ? 'stdin' : o.input}: ${err.message} [${err.code}]\n`);
      return 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`torsion gdp inspect: ${message}\n`);
    return 1;
  } finally {
    if (o.input !== '-') source.destroy();
  }
  return 0;
}

export const gdpCommand: Command = {
  name: 'gdp',
  summary: 'GStreamer Data Protocol tools: `gdp inspect <file|->` prints the packets of a GDP stream',
  async run(argv: readonly string[], io: CommandIO): Promise<number> {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      io.stdout.write(HELP);
      return sub === undefined ? 2 : 0;
    }
    if (sub !== 'inspect') {
      io.stderr.write(`torsion gdp: unknown sub-command '${sub}'\n\n${HELP}`);
      return 2;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(HELP);
      return 0;
    }
    const o = parseArgs(rest);
    if (typeof o === 'string') {
      io.stderr.write(`torsion gdp inspect: ${o}\n\n${HELP}`);
      return 2;
    }
    return inspect(o, io);
  },
};
