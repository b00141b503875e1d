/**
 * The open-files limit check of `torsion serve`: the limit is read from /proc/self/limits (Node
 * has already raised the soft limit to the hard one, checked with a child under prlimit), and a
 * viewer capacity above it is warned about, naming the numbers.
 */
import { describe, expect, it } from 'vitest';
import { FD_RESERVE, checkFdLimit, openFilesLimit } from '../../src/cli/fd-limit';
import { captureLogs } from '../../src/log';
import { run } from '../components/helpers/serve';

describe('the open-files limit', () => {
  it('is the hard limit in a Node process (Node raises the soft one at start)', async () => {
    const script = "import { openFilesLimit } from './src/cli/fd-limit.ts'; console.log(openFilesLimit());";
    const r = await run('prlimit', ['--nofile=256:2048', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], 30_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('2048');
    expect(openFilesLimit()).toBeGreaterThan(0);
  });

  it('warns when the viewer capacity does not fit, and only then', () => {
    const logs = captureLogs();
    try {
      expect(checkFdLimit(2000 - FD_RESERVE, 2048)).toBe(true);
      expect(checkFdLimit(2000, 2048)).toBe(false);
      expect(checkFdLimit(1_000_000, Infinity)).toBe(true);
      expect(checkFdLimit(1_000_000, null)).toBe(true);
      expect(logs.records).toHaveLength(1);
      expect(logs.records[0]?.fields).toMatchObject({ limit: 2048, viewers: 2000, needed: 2000 + FD_RESERVE });
    } finally {
      logs.restore();
    }
  });
});
