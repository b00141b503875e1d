/**
 * The open-files limit against what a server may need: each viewer, producer and feed holds an
 * fd. Node raises its soft RLIMIT_NOFILE to the hard limit when it starts, so the hard limit is
 * what counts (systemd's `LimitNOFILE=`, or `ulimit -Hn`); `torsion serve` warns at start when it
 * is below the configured viewer capacity. Tests: test/cli/fd-limit.test.ts.
 */
import { readFileSync } from 'node:fs';
import { getLogger } from '../log';

/** fds a server keeps besides its viewers (pipelines, listening sockets, logs, Node itself). */
export const FD_RESERVE = 256;

/** This process's soft open-files limit from `/proc/self/limits` (`Infinity` when unlimited), or null. */
export function openFilesLimit(limits = '/proc/self/limits'): number | null {
  try {
    const line = readFileSync(limits, 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    if (soft === undefined) return null;
    if (soft === 'unlimited') return Infinity;
    const n = Number(soft);
    return Number.isInteger(n) ? n : null;
  } catch {
    return null;
  }
}

/**
 * Warns (and returns false) when `viewers` plus {@link FD_RESERVE} does not fit under the
 * open-files limit; true when it fits or the limit cannot be read.
 */
export function checkFdLimit(viewers: number, limit: number | null = openFilesLimit()): boolean {
  if (limit === null || viewers + FD_RESERVE <= limit) return true;
  getLogger().warn('the open-files limit is below the viewer capacity: raise it (ulimit -Hn, systemd LimitNOFILE) or lower maxViewers',
    { limit, viewers, needed: viewers + FD_RESERVE });
  return false;
}
