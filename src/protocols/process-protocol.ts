/**
 * `ProcessProtocol`: the base class for child-process handlers (Twisted's
 * `protocol.ProcessProtocol`). `childDataReceived` dispatches to `outReceived` (fd 1) and
 * `errReceived` (fd 2); `childConnectionLost` to `inConnectionLost`/`outConnectionLost`/
 * `errConnectionLost`. Tests: test/protocols/process-protocol.test.ts.
 */
import type { Failure } from '../defer/failure';
import type { ProcessProtocol as ProcessProtocolInterface } from '../reactor/interfaces/protocol';
import type { ProcessTransport } from '../reactor/interfaces/transport';

export class ProcessProtocol implements ProcessProtocolInterface {
  /** The process transport, set by `makeConnection` (null before). */
  transport: ProcessTransport | null = null;

  makeConnection(transport: ProcessTransport): void {
    this.transport = transport;
    this.connectionMade();
  }

  /** The process has started; `this.transport` is set. */
  connectionMade(): void {
    // hook
  }

  /** Routes stdout and stderr to their hooks; other fds are ignored unless overridden. */
  childDataReceived(childFD: number, data: Uint8Array): void {
    if (childFD === 1) this.outReceived(data);
    else if (childFD === 2) this.errReceived(data);
  }

  /** Bytes the child wrote to stdout. */
  outReceived(_data: Uint8Array): void {
    // hook
  }

  /** Bytes the child wrote to stderr. */
  errReceived(_data: Uint8Array): void {
    // hook
  }

  /** Routes the close of stdin, stdout and stderr to their hooks. */
  childConnectionLost(childFD: number): void {
    if (childFD === 0) this.inConnectionLost();
    else if (childFD === 1) this.outConnectionLost();
    else if (childFD === 2) this.errConnectionLost();
  }

  /** Our pipe to the child's stdin was closed. */
  inConnectionLost(): void {
    // hook
  }

  /** The child's stdout was closed. */
  outConnectionLost(): void {
    // hook
  }

  /** The child's stderr was closed. */
  errConnectionLost(): void {
    // hook
  }

  /** The process exited (its pipes may still be open). */
  processExited(_reason: Failure): void {
    // hook
  }

  /** The process exited and every pipe is closed. */
  processEnded(_reason: Failure): void {
    // hook
  }
}
