/**
 * Length-prefixed strings (Twisted's `basic.IntNStringReceiver` and its `Int8StringReceiver`,
 * `Int16StringReceiver`, `Int32StringReceiver`): each string is preceded by its length as a 1, 2
 * or 4 byte big-endian unsigned integer. A prefix above `maxLength` calls `lengthLimitExceeded`
 * (default: close the connection) before the payload is buffered; `sendString` throws
 * `StringTooLongError` for a string the prefix cannot express. Delivery stops while paused as a
 * producer and once the transport is disconnecting. Tests: test/protocols/int-string-receiver.test.ts.
 */
import { BufferedReceiver } from './buffered-receiver';
import { asBuffer } from './byte-queue';
import { StringTooLongError } from './errors';
import { requireTransport } from './protocol';

/** The base class; use one of the three subclasses. */
export abstract class IntNStringReceiver extends BufferedReceiver {
  /** Twisted's default maximum string length. */
  static readonly MAX_LENGTH = 99999;
  /** Size of the length prefix in bytes. */
  abstract readonly prefixLength: 1 | 2 | 4;
  /** The longest string accepted, in bytes. */
  maxLength = IntNStringReceiver.MAX_LENGTH;

  /** Called with each string. */
  stringReceived(_data: Buffer): void {
    // hook
  }

  /** A prefix announced `length` > `maxLength`. The default closes the connection. */
  lengthLimitExceeded(_length: number): void {
    requireTransport(this).loseConnection();
  }

  /** Sends `data` with its length prefix, in one write. */
  sendString(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : asBuffer(data);
    const limit = 2 ** (8 * this.prefixLength);
    if (bytes.length >= limit) {
      throw new StringTooLongError(`Tried to send ${bytes.length} bytes whereas the maximum is ${limit - 1}`);
    }
    const prefix = Buffer.alloc(this.prefixLength);
    prefix.writeUIntBE(bytes.length, 0, this.prefixLength);
    requireTransport(this).write(Buffer.concat([prefix, bytes]));
  }

  /** Removes and returns the buffered bytes not yet delivered as strings. */
  clearStringBuffer(): Buffer {
    return this.buffer.drain();
  }

  protected deliver(): void {
    const n = this.prefixLength;
    while (!this.paused && this.buffer.length >= n) {
      if (this.transport?.disconnecting === true) return;
      const length = this.buffer.readUIntBE(0, n) as number;
      if (length > this.maxLength) {
        this.lengthLimitExceeded(length);
        return;
      }
      if (this.buffer.length < n + length) return;
      this.buffer.skip(n);
      this.stringReceived(this.buffer.take(length));
    }
  }
}

/** Strings prefixed by a 1-byte length. */
export class Int8StringReceiver extends IntNStringReceiver {
  readonly prefixLength = 1 as const;
}

/** Strings prefixed by a 2-byte big-endian length. */
export class Int16StringReceiver extends IntNStringReceiver {
  readonly prefixLength = 2 as const;
}

/** Strings prefixed by a 4-byte big-endian length. */
export class Int32StringReceiver extends IntNStringReceiver {
  readonly prefixLength = 4 as const;
}
