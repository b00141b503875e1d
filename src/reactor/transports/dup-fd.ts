/**
 * Duplicates an fd into a new CLOEXEC fd owned by the caller, through Gio (`UnixFDList.append`
 * dups, `stealFds` hands the dup over without another dup) — PITFALLS 8; no native addon needed.
 * Loads node-gtk on first use. Tests: test/reactor/transport-helpers.test.ts.
 */
import { loadGi } from '../gi';

export function dupFd(fd: number): number {
  const { Gio } = loadGi();
  const list = Gio.UnixFDList.new();
  list.append(fd);
  const fds = list.stealFds();
  const dup = fds[0];
  if (typeof dup !== 'number' || dup < 0) throw new Error(`Could not duplicate fd ${fd}`);
  return dup;
}
