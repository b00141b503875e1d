import { execFile } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CommandIO } from '../../src/cli/command';
import { formatClockTime, gdpCommand } from '../../src/cli/commands/gdp';
import { commands } from '../../src/cli/commands/index';
import { VECTOR_DIR, loadVectors } from '../gdp/vectors';

const root = fileURLToPath(new URL('../../', import.meta.url));
const vectors = loadVectors();
const vec = (name: string): string => `${VECTOR_DIR}${name}.gdp`;

async function run(argv: string[], stdinBytes?: Uint8Array): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => { out += c.toString('utf8'); });
  stderr.on('data', (c: Buffer) => { err += c.toString('utf8'); });
  // stdin delivered in small chunks, so packets straddle reads
  const chunks: Buffer[] = [];
  if (stdinBytes !== undefined) for (let i = 0; i < stdinBytes.length; i += 100) chunks.push(Buffer.from(stdinBytes.subarray(i, i + 100)));
  const io: CommandIO = { stdin: Readable.from(chunks), stdout, stderr, env: {} };
  const code = await gdpCommand.run(argv, io);
  return { code, out, err };
}

describe('torsion gdp inspect', () => {
  it('is registered as a torsion command', () => {
    expect(commands).toContain(gdpCommand);
  });

  it('prints one line per packet of every valid vector and exits 0', async () => {
    for (const v of vectors.filter((x) => !x.json.category.startsWith('corrupt'))) {
      const r = await run(['inspect', vec(v.name)]);
      expect(r.code, v.name).toBe(0);
      expect(r.err).toBe('');
      const lines = r.out.trimEnd().split('\n');
      expect(lines).toHaveLength(v.json.packet_count);
      lines.forEach((line, i) => {
        const p = v.json.packets[i];
        expect(line.startsWith(`#${i} @${p?.byte_offset} ${p?.kind} `), line).toBe(true);
      });
    }
  });

  it('--json gives one object per line with 64-bit fields as decimal strings and flags by name', async () => {
    const v = vectors.find((x) => x.name === 'synth_buffer_metadata');
    const r = await run(['inspect', '--json', vec('synth_buffer_metadata')]);
    expect(r.code).toBe(0);
    const objs = r.out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs).toHaveLength(9);
    objs.forEach((o, i) => {
      const p = v?.json.packets[i];
      expect(o).toMatchObject({ index: i, byteOffset: p?.byte_offset, kind: p?.kind, payloadLength: p?.payload_length });
      if (p?.kind === 'buffer') {
        expect(o).toMatchObject({ pts: p.pts, dts: p.dts, duration: p.duration, offset: p.offset, offsetEnd: p.offset_end, flagBits: p.buffer_flags });
      }
    });
    expect(objs[3]).toMatchObject({ flags: ['live', 'discont'] });
    expect(objs[7]).toMatchObject({ pts: '81985529216486895', offset: '18446744073709551614' });
    expect(objs[0]).toMatchObject({ eventName: 'stream-start', eventType: 10254 });
    expect(objs[1]).toMatchObject({ caps: 'application/x-test, kind=(string)flags' });
  });

  it('reads standard input with -', async () => {
    const v = vectors.find((x) => x.name === 'vp8_webm');
    const r = await run(['inspect', '-'], v?.bytes);
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split('\n')).toHaveLength(33);
  });

  it('prints the packets before an error, then the error, and exits 1', async () => {
    const r = await run(['inspect', vec('corrupt_header_crc_flip')]);
    expect(r.code).toBe(1);
    expect(r.out.trimEnd().split('\n')).toHaveLength(4);
    expect(r.err).toContain('TORSION_ERR_GDP_HEADER_CRC');
    expect(r.err).toContain('byte 1283');
    const t = await run(['inspect', '-'], vectors.find((x) => x.name === 'corrupt_truncated_payload')?.bytes);
    expect(t.code).toBe(1);
    expect(t.out.trimEnd().split('\n')).toHaveLength(7);
    expect(t.err).toContain('TORSION_ERR_GDP_TRUNCATED');
  });

  it('honours --no-verify-crc, --allow-no-caps and --max-payload', async () => {
    expect((await run(['inspect', '--no-verify-crc', vec('corrupt_header_crc_flip')])).code).toBe(0);
    expect((await run(['inspect', '--allow-no-caps', vec('corrupt_buffer_before_caps')])).code).toBe(0);
    const small = await run(['inspect', '--max-payload', '100', vec('video_raw_i420')]);
    expect(small.code).toBe(1);
    expect(small.err).toContain('TORSION_ERR_GDP_PAYLOAD_TOO_LARGE');
  });

  it('explains usage errors with exit 2, and --help with exit 0', async () => {
    expect((await run([])).code).toBe(2);
    const help = await run(['inspect', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: torsion gdp inspect');
    for (const argv of [['inspect'], ['inspect', '--bogus', 'x'], ['inspect', 'a', 'b'], ['frobnicate'], ['inspect', '--max-payload', '-3', 'x']]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).not.toBe('');
    }
  });

  it('reports a missing file with exit 1', async () => {
    const r = await run(['inspect', '/nonexistent/file.gdp']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('ENOENT');
  });

  it('formats clock times as GStreamer does', () => {
    expect(formatClockTime(0n)).toBe('0:00:00.000000000');
    expect(formatClockTime(3_723_000_000_001n)).toBe('1:02:03.000000001');
    expect(formatClockTime(0xffffffffffffffffn)).toBe('none');
  });

  it('runs through the real launcher: node bin/torsion.js gdp inspect <vector>', async () => {
    const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, ['bin/torsion.js', 'gdp', 'inspect', '--json', vec('vorbis_elementary')], { cwd: root, timeout: 60_000 },
        (error, stdout) => resolve({ code: error === null ? 0 : (typeof error.code === 'number' ? error.code : -1), out: stdout }));
    });
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; flags?: string[] });
    expect(lines).toHaveLength(16);
    expect(lines.filter((l) => l.flags?.includes('header'))).toHaveLength(3);
  });
});
