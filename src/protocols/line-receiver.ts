/**
 * `LineReceiver` (Twisted's `basic.LineReceiver`): splits the byte stream on `delimiter` (default
 * CRLF) and calls `lineReceived` per line, or hands raw chunks to `rawDataReceived` in raw mode.
 * Switching modes from inside a callback loses no bytes: what is buffered after the current line
 * goes to the new mode. A line longer than `maxLength` calls `lineLengthExceeded` (default: close
 * the connection). Delivery stops once the transport is disconnecting, and while the protocol is
 * paused as a producer. Tests: test/protocols/line-receiver.test.ts.
 */
import { BufferedReceiver } from './buffered-receiver';
import { asBuffer } from './byte-queue';
import { ProtocolUsageError } from './errors';
import { requireTransport } from './protocol';

const CRLF = Buffer.from('\r\n');

export class LineReceiver extends BufferedReceiver {
  /** Twisted's default maximum line length. */
  static readonly MAX_LENGTH = 16384;
  /** The line delimiter (set it before data arrives; a string is UTF-8 encoded). */
  delimiter: Uint8Array | string = CRLF;
  /** The longest line accepted, in bytes, without the delimiter. */
  maxLength = LineReceiver.MAX_LENGTH;
  /** True in line mode, false in raw mode. */
  lineMode = true;
  /** Bytes at the buffer's start known not to begin a delimiter. */
  private scanned = 0;

  /** Called with each line, without its delimiter. */
  lineReceived(_line: Buffer): void {
    // hook
  }

  /** Called in raw mode with each chunk of data. */
  rawDataReceived(_data: Buffer): void {
    // hook
  }

  /**
   * A line exceeded `maxLength`; `data` is the rest of the buffer starting with (part of) that line.
   * The buffer has been cleared. The default closes the connection.
   */
  lineLengthExceeded(_data: Buffer): void {
    requireTransport(this).loseConnection();
  }

  /** Writes `line` followed by the delimiter, in one write. */
  sendLine(line: Uint8Array | string): void {
    const bytes = typeof line === 'string' ? Buffer.from(line, 'utf8') : asBuffer(line);
    requireTransport(this).write(Buffer.concat([bytes, this.delimiterBytes()]));
  }

  /** Switches to raw mode: what is buffered and what follows goes to `rawDataReceived`. */
  setRawMode(): void {
    this.lineMode = false;
  }

  /**
   * Switches to line mode. `extra` (bytes a raw-mode handler did not consume) is parsed for lines
   * before anything received later.
   */
  setLineMode(extra?: Uint8Array | string): void {
    this.lineMode = true;
    if (extra !== undefined && extra.length > 0) {
      this.dataReceived(typeof extra === 'string' ? Buffer.from(extra, 'utf8') : extra);
    }
  }

  /** Removes and returns the buffered, undelivered bytes. */
  clearLineBuffer(): Buffer {
    this.scanned = 0;
    return this.buffer.drain();
  }

  private delimiterBytes(): Uint8Array {
    return typeof this.delimiter === 'string' ? Buffer.from(this.delimiter, 'utf8') : this.delimiter;
  }

  protected deliver(): void {
    const delimiter = this.delimiterBytes();
    if (delimiter.length === 0) throw new ProtocolUsageError('LineReceiver.delimiter must not be empty');
    while (this.buffer.length > 0 && !this.paused) {
      if (this.transport?.disconnecting === true) return;
      if (!this.lineMode) {
        this.scanned = 0;
        this.rawDataReceived(this.buffer.drain());
        continue;
      }
      const at = this.buffer.indexOf(delimiter, this.scanned);
      if (at === -1) {
        if (this.buffer.length >= this.maxLength + delimiter.length) {
          this.lineLengthExceeded(this.clearLineBuffer());
          return;
        }
        this.scanned = Math.max(0, this.buffer.length - delimiter.length + 1);
        return;
      }
      this.scanned = 0;
      if (at > this.maxLength) {
        this.lineLengthExceeded(this.clearLineBuffer());
        return;
      }
      const line = this.buffer.take(at);
      this.buffer.skip(delimiter.length);
      this.lineReceived(line);
    }
  }
}
