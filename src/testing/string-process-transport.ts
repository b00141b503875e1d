/**
 * `StringProcessTransport`: a `ProcessTransport` double that records writes per child fd, closed
 * fds and signals (what `MemoryReactor.spawnProcess` returns). Tests: test/testing/memory-reactor.test.ts.
 */
import { ProcessExitedAlready } from '../reactor/errors';
import type { ProcessAddress } from '../reactor/interfaces/address';
import type { ProcessTransport } from '../reactor/interfaces/transport';

export class StringProcessTransport implements ProcessTransport {
  pid: number | null = 4242;
  /** Bytes written per child fd. */
  readonly written = new Map<number, Buffer[]>();
  readonly closedFDs = new Set<number>();
  readonly signals: Array<string | number> = [];

  /** Everything written to `childFD`, joined. */
  value(childFD = 0): Buffer {
    return Buffer.concat(this.written.get(childFD) ?? []);
  }

  write(data: Uint8Array | string): void {
    this.writeToChild(0, data);
  }

  writeSequence(data: Iterable<Uint8Array | string>): void {
    for (const chunk of data) this.write(chunk);
  }

  writeToChild(childFD: number, data: Uint8Array | string): void {
    const list = this.written.get(childFD) ?? [];
    list.push(Buffer.from(typeof data === 'string' ? Buffer.from(data) : data));
    this.written.set(childFD, list);
  }

  closeChildFD(childFD: number): void {
    this.closedFDs.add(childFD);
  }

  closeStdin(): void {
    this.closeChildFD(0);
  }

  closeStdout(): void {
    this.closeChildFD(1);
  }

  closeStderr(): void {
    this.closeChildFD(2);
  }

  loseConnection(): void {
    for (const fd of [0, 1, 2]) this.closeChildFD(fd);
  }

  signalProcess(signal: string | number): void {
    if (this.pid === null) throw new ProcessExitedAlready();
    this.signals.push(signal);
  }

  getPeer(): ProcessAddress {
    return { type: 'PROCESS' };
  }

  getHost(): ProcessAddress {
    return { type: 'PROCESS' };
  }
}
