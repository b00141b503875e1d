/** In-memory streams for running `torsion` commands in-process in tests. */
import { PassThrough, Readable } from 'node:stream';
import type { CommandIO } from '../../src/cli/command';

export interface CapturedIO extends CommandIO {
  out(): string;
  err(): string;
}

export function captureIO(stdin: string | Uint8Array = '', env: Record<string, string> = {}): CapturedIO {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => outChunks.push(c));
  stderr.on('data', (c: Buffer) => errChunks.push(c));
  return {
    stdin: Readable.from([typeof stdin === 'string' ? Buffer.from(stdin) : Buffer.from(stdin)]),
    stdout,
    stderr,
    env,
    out: () => Buffer.concat(outChunks).toString('utf8'),
    err: () => Buffer.concat(errChunks).toString('utf8'),
  };
}
