import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs, type LogCapture } from '../../src/log';
import { NetstringParseError } from '../../src/protocols/errors';
import { formatNetstring, NetstringReceiver } from '../../src/protocols/netstring-receiver';
import { StringTransport } from '../../src/testing/string-transport';
import { bytes, splits, text } from './splits';

class Recorder extends NetstringReceiver {
  readonly strings: string[] = [];
  override stringReceived(data: Buffer): void {
    this.strings.push(text(data));
  }
}

function feed(chunks: Uint8Array[], maxLength?: number): { proto: Recorder; transport: StringTransport } {
  const proto = new Recorder();
  if (maxLength !== undefined) proto.maxLength = maxLength;
  const transport = new StringTransport();
  proto.makeConnection(transport);
  for (const c of chunks) proto.dataReceived(c);
  return { proto, transport };
}

let logs: LogCapture | null = null;
afterEach(() => {
  logs?.restore();
  logs = null;
});

describe('NetstringReceiver', () => {
  it('decodes the same strings however the input is split', () => {
    const input = bytes('0:,3:abc,5:a,:b,,12:hello world!,2:x');
    for (const chunks of splits(input)) {
      const { proto, transport } = feed(chunks);
      expect(proto.strings).toEqual(['', 'abc', 'a,:b,', 'hello world!']);
      expect(proto.brokenPeer).toBe(false);
      expect(transport.disconnecting).toBe(false);
    }
  });

  it('round-trips sendString through formatNetstring', () => {
    const { proto, transport } = feed([]);
    proto.sendString('héllo');
    proto.sendString(bytes(''));
    expect(transport.value().toString('utf8')).toBe('6:héllo,0:,');
    expect(feed([transport.value()]).proto.strings.map((s) => Buffer.from(s, 'latin1').toString('utf8'))).toEqual(['héllo', '']);
    expect(text(formatNetstring(bytes('a:b')))).toBe('3:a:b,');
  });

  const malformed: Array<[string, string, RegExp]> = [
    ['missing length', '3:abc,:x,', /does not start with a length/],
    ['non-digit length', '3:abc,x3:abc,', /does not start with a length/],
    ['leading zero', '3:abc,03:abc,', /leading zero/],
    ['missing comma', '3:abc,3:abcd', /not terminated by a comma/],
    ['length above maxLength', '3:abc,100:', /longer than the maximum of 99/],
    ['very long length', '3:abc,99999999999999999999999', /longer than the maximum/],
  ];
  for (const [name, input, message] of malformed) {
    it(`closes the connection on a protocol error (${name}), logging a NetstringParseError`, () => {
      for (const chunks of splits(bytes(input))) {
        logs = captureLogs();
        const { proto, transport } = feed(chunks, 99);
        expect(proto.strings).toEqual(['abc']);
        expect(proto.brokenPeer).toBe(true);
        expect(transport.disconnecting).toBe(true);
        const warnings = logs.records.filter((r) => r.level === 'warn');
        expect(warnings).toHaveLength(1);
        const error = warnings[0]?.fields['error'];
        expect(error).toBeInstanceOf(NetstringParseError);
        expect((error as NetstringParseError).code).toBe('TORSION_ERR_NETSTRING_PARSE');
        expect((error as Error).message).toMatch(message);
        proto.dataReceived(bytes('3:abc,'));
        expect(proto.strings).toEqual(['abc']);
        logs.restore();
        logs = null;
      }
    });
  }

  it('refuses an oversized length as soon as its digits arrive, before any payload', () => {
    logs = captureLogs();
    const { proto, transport } = feed([bytes('100')], 99);
    expect(proto.brokenPeer).toBe(true);
    expect(transport.disconnecting).toBe(true);
    const ok = feed([bytes('99:')], 99);
    expect(ok.proto.brokenPeer).toBe(false);
  });

  it('stops delivering once the transport is disconnecting', () => {
    class Quit extends Recorder {
      override stringReceived(data: Buffer): void {
        super.stringReceived(data);
        this.transport?.loseConnection();
      }
    }
    const proto = new Quit();
    proto.makeConnection(new StringTransport());
    proto.dataReceived(bytes('1:a,1:b,'));
    expect(proto.strings).toEqual(['a']);
  });
});
