/**
 * The control path of a benchmark server (Node ones; twisted_server.py does the same): one command
 * per stdin line — `reset` clears the lateness samples, `report` prints one JSON line with the
 * server's own figures — and `{"event":"ready","port":N}` on stdout once it listens.
 */
import { readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Open fds of this process. */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Answers the orchestrator's commands on stdin; `onEnd` runs when stdin closes (the orchestrator went away). */
export function listenControl(report: () => Record<string, unknown>, reset: () => void, onEnd: () => void): void {
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const cmd = line.trim();
    if (cmd === 'reset') reset();
    else if (cmd === 'report') process.stdout.write(`${JSON.stringify({ event: 'report', fds: openFds(), ...report() })}\n`);
  });
  rl.on('close', onEnd);
}

/** Announces the listening port. */
export function announceReady(port: number): void {
  process.stdout.write(`${JSON.stringify({ event: 'ready', port })}\n`);
}
