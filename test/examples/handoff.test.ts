/** examples/handoff (the guide's walk-through) runs: auth line, fd hand-off, bytes streamed, clean stop. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('examples/handoff', () => {
  it('authenticates a client, hands its fd to multifdsink and stops cleanly', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'examples/handoff/main.ts'], { cwd: root, timeout: 60_000 },
        (err, out, errOut) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout: out, stderr: errOut }));
    });
    expect(code, stderr).toBe(0);
    expect(stdout.trim().split('\n')).toEqual(['client received more than 16000 bytes', 'viewer left: closed', 'stopped']);
  });
});
