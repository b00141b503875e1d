import { describe, expect, it } from 'vitest';
import { LineReceiver } from '../../src/protocols/line-receiver';
import { ProtocolUsageError } from '../../src/protocols/errors';
import { StringTransport } from '../../src/testing/string-transport';
import { bytes, splits, text } from './splits';

/** Records every event as a string. */
class Recorder extends LineReceiver {
  readonly events: string[] = [];
  override lineReceived(line: Buffer): void {
    this.events.push(`line:${text(line)}`);
  }
  override rawDataReceived(data: Buffer): void {
    this.events.push(`raw:${text(data)}`);
  }
  override lineLengthExceeded(data: Buffer): void {
    this.events.push('exceeded');
    expect(data.length).toBeGreaterThan(this.maxLength);
    super.lineLengthExceeded(data);
  }
}

function run<P extends LineReceiver>(make: () => P, chunks: Uint8Array[]): { proto: P; transport: StringTransport } {
  const proto = make();
  const transport = new StringTransport();
  proto.makeConnection(transport);
  for (const c of chunks) proto.dataReceived(c);
  return { proto, transport };
}

/** Feeds `input` cut in every way and checks that `observe` gives the same answer each time. */
function sameForEverySplit<P extends LineReceiver, R>(make: () => P, input: Uint8Array,
  observe: (p: P, t: StringTransport) => R): R {
  const reference = observe(...(Object.values(run(make, [input])) as [P, StringTransport]));
  let count = 0;
  for (const chunks of splits(input)) {
    const { proto, transport } = run(make, chunks);
    expect(observe(proto, transport), `split ${chunks.map((c) => c.length).join('+')}`).toEqual(reference);
    count += 1;
  }
  expect(count).toBeGreaterThan(input.length);
  return reference;
}

describe('LineReceiver', () => {
  it('delivers the same lines however the input is split', () => {
    const input = bytes('hello\r\n\r\nwith \r inside\r\nlast\r\npartial');
    const events = sameForEverySplit(() => new Recorder(), input, (p) => p.events);
    expect(events).toEqual(['line:hello', 'line:', 'line:with \r inside', 'line:last']);
    const { proto } = run(() => new Recorder(), [input]);
    expect(text(proto.clearLineBuffer())).toBe('partial');
    expect(proto.clearLineBuffer().length).toBe(0);
  });

  it('uses a custom delimiter, as bytes or a string', () => {
    const make = (): Recorder => {
      const r = new Recorder();
      r.delimiter = '\n';
      return r;
    };
    expect(sameForEverySplit(make, bytes('a\nb\r\nc\n'), (p) => p.events)).toEqual(['line:a', 'line:b\r', 'line:c']);
    const multi = (): Recorder => {
      const r = new Recorder();
      r.delimiter = bytes('<>!');
      return r;
    };
    expect(sameForEverySplit(multi, bytes('x<>y<>!<<>!<>!'), (p) => p.events)).toEqual(['line:x<>y', 'line:<', 'line:']);
  });

  it('accepts a line of exactly maxLength and refuses a longer one, closing the connection', () => {
    const make = (): Recorder => {
      const r = new Recorder();
      r.maxLength = 5;
      return r;
    };
    expect(sameForEverySplit(make, bytes('12345\r\nabc\r\n'), (p, t) => [p.events, t.disconnecting]))
      .toEqual([['line:12345', 'line:abc'], false]);
    // Too long with its delimiter in sight, and without one: lines before it still arrive, none after.
    for (const input of ['ok\r\n123456\r\nnever\r\n', 'ok\r\n1234567890']) {
      expect(sameForEverySplit(make, bytes(input), (p, t) => [p.events, t.disconnecting]))
        .toEqual([['line:ok', 'exceeded'], true]);
    }
    // A partial line of maxLength plus a partial delimiter is not yet too long.
    const { proto, transport } = run(make, [bytes('12345\r')]);
    expect(proto.events).toEqual([]);
    expect(transport.disconnecting).toBe(false);
  });

  it('switches to raw mode and back without losing or reordering bytes', () => {
    /** "SIZE n" switches to raw mode for n bytes, then back to lines with what follows. */
    class Sized extends LineReceiver {
      readonly events: string[] = [];
      private want = 0;
      private raw: Buffer[] = [];
      override lineReceived(line: Buffer): void {
        const m = /^SIZE (\d+)$/.exec(text(line));
        this.events.push(`line:${text(line)}`);
        if (m !== null) {
          this.want = Number(m[1]);
          this.setRawMode();
        }
      }
      override rawDataReceived(data: Buffer): void {
        const used = data.subarray(0, this.want);
        this.raw.push(used);
        this.want -= used.length;
        if (this.want === 0) {
          this.events.push(`body:${text(Buffer.concat(this.raw))}`);
          this.raw = [];
          this.setLineMode(data.subarray(used.length));
        }
      }
    }
    const input = bytes('SIZE 7\r\nab\r\ncd\rSIZE 0\r\nSIZE 2\r\n\r\n\r\nend\r\n');
    // SIZE 0 ends with the next raw chunk; the body of SIZE 2 is "\r\n".
    const events = sameForEverySplit(() => new Sized(), input, (p) => p.events);
    expect(events).toEqual(['line:SIZE 7', 'body:ab\r\ncd\r', 'line:SIZE 0', 'body:', 'line:SIZE 2', 'body:\r\n',
      'line:', 'line:end']);
  });

  it('hands everything buffered after the switching line to rawDataReceived', () => {
    class Switch extends Recorder {
      override lineReceived(line: Buffer): void {
        super.lineReceived(line);
        if (text(line) === 'RAW') this.setRawMode();
      }
    }
    const events = sameForEverySplit(() => new Switch(), bytes('a\r\nRAW\r\nb\r\nc'), (p) => [p.events.slice(0, 2), p.events.slice(2).map((e) => e.slice(4)).join('')]);
    expect(events).toEqual([['line:a', 'line:RAW'], 'b\r\nc']);
  });

  it('stops delivering once the transport is disconnecting', () => {
    class Quit extends Recorder {
      override lineReceived(line: Buffer): void {
        super.lineReceived(line);
        if (text(line) === 'QUIT') this.transport?.loseConnection();
      }
    }
    expect(sameForEverySplit(() => new Quit(), bytes('a\r\nQUIT\r\nb\r\nc\r\n'), (p) => p.events)).toEqual(['line:a', 'line:QUIT']);
  });

  it('pauses line delivery as a producer and delivers the backlog on resume', () => {
    class Pausing extends Recorder {
      override lineReceived(line: Buffer): void {
        super.lineReceived(line);
        if (text(line) === 'wait') this.pauseProducing();
      }
    }
    const { proto, transport } = run(() => new Pausing(), [bytes('a\r\nwait\r\nb\r\nc')]);
    expect(proto.events).toEqual(['line:a', 'line:wait']);
    expect(transport.producerState).toBe('paused');
    proto.dataReceived(bytes('\r\n'));
    expect(proto.events).toHaveLength(2);
    proto.resumeProducing();
    expect(transport.producerState).toBe('producing');
    expect(proto.events).toEqual(['line:a', 'line:wait', 'line:b', 'line:c']);
    proto.stopProducing();
    proto.dataReceived(bytes('d\r\n'));
    expect(proto.events).toHaveLength(4);
    expect(transport.producerState).toBe('stopped');
  });

  it('sends lines with the delimiter in one write', () => {
    const { proto, transport } = run(() => new Recorder(), []);
    proto.sendLine('héllo');
    proto.sendLine(bytes('raw'));
    proto.delimiter = '\n';
    proto.sendLine('');
    expect(transport.writes.map((w) => w.toString('utf8'))).toEqual(['héllo\r\n', 'raw\r\n', '\n']);
  });

  it('echoes lines (the guide example)', () => {
    class Echo extends LineReceiver {
      override lineReceived(line: Buffer): void {
        this.sendLine(line);
      }
    }
    const input = bytes('one\r\ntwo\r\n');
    const out = sameForEverySplit(() => new Echo(), input, (_p, t) => text(t.value()));
    expect(out).toBe('one\r\ntwo\r\n');
  });

  it('refuses an empty delimiter and reports use before connection', () => {
    const r = new Recorder();
    r.delimiter = '';
    r.makeConnection(new StringTransport());
    expect(() => r.dataReceived(bytes('x'))).toThrow(ProtocolUsageError);
    expect(() => new Recorder().sendLine('x')).toThrow(/not connected/);
  });
});
