/**
 * Reading a server's cost from /proc: CPU seconds (user + system) and RSS summed over a process and
 * its descendants (the JS and Twisted baselines run their source as a `gst-launch-1.0` child, the
 * Torsion server runs it in-process), and its open fd count.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const PAGE = Number(execFileSync('getconf', ['PAGESIZE']).toString().trim()) || 4096;

function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');   // fields from `state` on
  } catch {
    return null;
  }
}

/** `pid` and every live descendant. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = Number(statFields(Number(name))?.[1] ?? 0);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i] as number) ?? []));
  return tree;
}

/** CPU seconds of the tree: user (utime) and system (stime). */
export function treeCpu(pid: number): { user: number; system: number } {
  let user = 0;
  let system = 0;
  for (const p of processTree(pid)) {
    const f = statFields(p);
    if (f === null) continue;
    user += Number(f[11]);
    system += Number(f[12]);
  }
  return { user: user / TICKS, system: system / TICKS };
}

/** CPU seconds (utime + stime) of the tree. */
export function treeCpuSeconds(pid: number): number {
  const cpu = treeCpu(pid);
  return cpu.user + cpu.system;
}

/**
 * CPU seconds of each thread of one process, summed by thread name (`comm`: `node` for the
 * JavaScript thread and libuv's, `multihandlesink` for each sink's writer, `queue0:src`, …).
 */
export function threadCpuByName(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      out[name] = (out[name] ?? 0) + (Number(f[11]) + Number(f[12])) / TICKS;
    } catch { /* gone */ }
  }
  return out;
}

/** The 1-minute load average (the machine is shared: every figure is read beside it). */
export function loadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}

/** Resident bytes of the tree. */
export function treeRssBytes(pid: number): number {
  let pages = 0;
  for (const p of processTree(pid)) {
    try {
      pages += Number(readFileSync(`/proc/${p}/statm`, 'utf8').split(' ')[1]);
    } catch { /* gone */ }
  }
  return pages * PAGE;
}

/** Open fds of one process (NaN when it is gone). */
export function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
}
