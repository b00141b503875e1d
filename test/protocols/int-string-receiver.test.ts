import { describe, expect, it } from 'vitest';
import { StringTooLongError } from '../../src/protocols/errors';
import {
  Int16StringReceiver, Int32StringReceiver, Int8StringReceiver, type IntNStringReceiver,
} from '../../src/protocols/int-string-receiver';
import { StringTransport } from '../../src/testing/string-transport';
import { bytes, splits, text } from './splits';

type Ctor = typeof Int8StringReceiver | typeof Int16StringReceiver | typeof Int32StringReceiver;

function recorder(Base: Ctor): new () => IntNStringReceiver & { strings: string[]; exceeded: number[] } {
  return class extends (Base as typeof Int16StringReceiver) {
    strings: string[] = [];
    exceeded: number[] = [];
    override stringReceived(data: Buffer): void {
      this.strings.push(text(data));
    }
    override lengthLimitExceeded(length: number): void {
      this.exceeded.push(length);
      super.lengthLimitExceeded(length);
    }
  };
}

function frame(prefix: number, s: string): Buffer {
  const head = Buffer.alloc(prefix);
  head.writeUIntBE(s.length, 0, prefix);
  return Buffer.concat([head, bytes(s)]);
}

const kinds: Array<[string, Ctor, 1 | 2 | 4]> = [
  ['Int8StringReceiver', Int8StringReceiver, 1],
  ['Int16StringReceiver', Int16StringReceiver, 2],
  ['Int32StringReceiver', Int32StringReceiver, 4],
];

for (const [name, Base, n] of kinds) {
  describe(name, () => {
    const Rec = recorder(Base);
    const connect = (): { proto: InstanceType<typeof Rec>; transport: StringTransport } => {
      const proto = new Rec();
      const transport = new StringTransport();
      proto.makeConnection(transport);
      return { proto, transport };
    };

    it('decodes the same strings however the input is split (big-endian prefix)', () => {
      const input = Buffer.concat([frame(n, ''), frame(n, 'abc'), frame(n, 'x'.repeat(200)), frame(n, 'end'), frame(n, 'partial').subarray(0, n + 3)]);
      for (const chunks of splits(input, false)) {
        const { proto } = connect();
        for (const c of chunks) proto.dataReceived(c);
        expect(proto.strings).toEqual(['', 'abc', 'x'.repeat(200), 'end']);
        expect(text(proto.clearStringBuffer())).toBe(text(frame(n, 'partial').subarray(0, n + 3)));
      }
    });

    it('sends one write with the prefix and refuses strings the prefix cannot express', () => {
      const { proto, transport } = connect();
      proto.sendString('hi');
      expect(transport.writes).toHaveLength(1);
      expect(transport.value()).toEqual(frame(n, 'hi'));
      const { proto: back } = connect();
      back.dataReceived(transport.value());
      expect(back.strings).toEqual(['hi']);
      if (n < 4) {
        expect(() => proto.sendString(Buffer.alloc(2 ** (8 * n)))).toThrow(StringTooLongError);
        proto.sendString(Buffer.alloc(2 ** (8 * n) - 1));
        expect(transport.writes).toHaveLength(2);
      }
    });

    it('calls lengthLimitExceeded for a prefix above maxLength and closes the connection', () => {
      const max = n === 1 ? 10 : 1000;
      const input = Buffer.concat([frame(n, 'ok'), frame(n, 'y'.repeat(max + 1))]);
      for (const chunks of splits(input.subarray(0, 2 + n + n), true)) {
        const { proto, transport } = connect();
        proto.maxLength = max;
        for (const c of chunks) proto.dataReceived(c);
        expect(proto.strings).toEqual(['ok']);
        expect(proto.exceeded).toEqual([max + 1]);
        expect(transport.disconnecting).toBe(true);
      }
    });

    it('pauses delivery as a producer and resumes with the backlog', () => {
      const { proto, transport } = connect();
      const input = Buffer.concat([frame(n, 'a'), frame(n, 'b'), frame(n, 'c')]);
      proto.pauseProducing();
      proto.dataReceived(input);
      expect(proto.strings).toEqual([]);
      expect(transport.producerState).toBe('paused');
      proto.resumeProducing();
      expect(proto.strings).toEqual(['a', 'b', 'c']);
      proto.stopProducing();
      expect(transport.producerState).toBe('stopped');
    });
  });
}
