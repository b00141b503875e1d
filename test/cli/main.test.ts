import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { captureIO } from './io';

const bin = fileURLToPath(new URL('../../bin/torsion.js', import.meta.url));

describe('torsion command', () => {
  it('prints usage with --help and exits 0', async () => {
    const io = captureIO();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: torsion <command>');
  });

  it('exits 2 with usage when no command is given', async () => {
    const io = captureIO();
    expect(await main([], io)).toBe(2);
    expect(io.out()).toContain('Commands:');
  });

  it('rejects an unknown command on stderr with exit 2', async () => {
    const io = captureIO();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.err()).toContain("unknown command 'frobnicate'");
  });

  it('runs through the real launcher', async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [bin, '--help'], { timeout: 20_000 }, (err, out) =>
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout: out }));
    });
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: torsion <command>');
  });
});
