/**
 * `NetstringReceiver` (Twisted's `basic.NetstringReceiver`): receives and sends netstrings
 * (`<decimal length>:<bytes>,`, http://cr.yp.to/proto/netstrings.txt). The length is checked as
 * its digits arrive, so an oversized length is refused before its payload is buffered. A malformed
 * netstring (no length, a leading zero, more than `maxLength` bytes, a missing comma) is a protocol
 * error: `netstringParseError` logs a `NetstringParseError` and closes the connection, `brokenPeer`
 * is set and later bytes are ignored. Tests: test/protocols/netstring-receiver.test.ts.
 */
import { getLogger } from '../log';
import type { Address } from '../reactor/interfaces/address';
import { asBuffer, ByteQueue } from './byte-queue';
import { NetstringParseError } from './errors';
import { Protocol, requireTransport } from './protocol';

const COLON = 0x3a;
const COMMA = 0x2c;
const ZERO = 0x30;
const NINE = 0x39;

/** The netstring encoding of `data`. */
export function formatNetstring(data: Uint8Array | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : asBuffer(data);
  return Buffer.concat([Buffer.from(`${bytes.length}:`, 'ascii'), bytes, Buffer.from(',')]);
}

export class NetstringReceiver extends Protocol {
  /** Twisted's default maximum payload length. */
  static readonly MAX_LENGTH = 99999;
  /** The longest payload accepted, in bytes. */
  maxLength = NetstringReceiver.MAX_LENGTH;
  /** True once the peer sent a malformed netstring. */
  brokenPeer = false;
  private readonly buffer = new ByteQueue();
  /** Payload length being received, or -1 while reading the length digits. */
  private expected = -1;
  /** Length digits already parsed (they stay in the buffer until the colon). */
  private digits = 0;
  private value = 0;

  /** Called with each payload. */
  stringReceived(_data: Buffer): void {
    // hook
  }

  /** Sends `data` as a netstring. */
  sendString(data: Uint8Array | string): void {
    requireTransport(this).write(formatNetstring(data));
  }

  /**
   * The peer sent a malformed netstring. The default logs the error (warn) and closes the
   * connection.
   */
  netstringParseError(error: NetstringParseError): void {
    const peer: Address | undefined = this.transport?.getPeer();
    getLogger().warn('closing connection: malformed netstring', { error, peer });
    requireTransport(this).loseConnection();
  }

  override dataReceived(data: Uint8Array): void {
    if (this.brokenPeer) return;
    this.buffer.push(data);
    try {
      this.consume();
    } catch (error) {
      if (!(error instanceof NetstringParseError)) throw error;
      this.brokenPeer = true;
      this.buffer.drain();
      this.netstringParseError(error);
    }
  }

  private consume(): void {
    while (this.buffer.length > 0) {
      if (this.transport?.disconnecting === true) return;
      if (this.expected < 0 && !this.consumeLength()) return;
      if (this.buffer.length < this.expected + 1) return;
      const payload = this.buffer.take(this.expected);
      if (this.buffer.byteAt(0) !== COMMA) throw new NetstringParseError('The netstring is not terminated by a comma.');
      this.buffer.skip(1);
      this.expected = -1;
      this.stringReceived(payload);
    }
  }

  /** Parses length digits; true once the colon was consumed and `expected` is set. */
  private consumeLength(): boolean {
    const maxDigits = String(this.maxLength).length;
    while (this.digits < this.buffer.length) {
      const byte = this.buffer.byteAt(this.digits) as number;
      if (byte === COLON) {
        if (this.digits === 0) throw new NetstringParseError('The netstring does not start with a length.');
        this.buffer.skip(this.digits + 1);
        this.expected = this.value;
        this.digits = 0;
        this.value = 0;
        return true;
      }
      if (byte < ZERO || byte > NINE) throw new NetstringParseError('The netstring does not start with a length.');
      if (this.digits === 1 && this.value === 0) throw new NetstringParseError('The netstring length has a leading zero.');
      this.value = this.value * 10 + (byte - ZERO);
      this.digits += 1;
      if (this.digits > maxDigits || this.value > this.maxLength) {
        throw new NetstringParseError(`The netstring is longer than the maximum of ${this.maxLength} bytes.`);
      }
    }
    return false;
  }
}
