/**
 * PrefixReplayFactory: the wrapped protocol gets makeConnection, then the replayed prefix, then
 * the transport's own bytes, in that order; optional half-close hooks are mirrored; a refused
 * build stays refused; the real HttpHandoffFactory sees a request whose line came from the porter.
 */
import { describe, expect, it } from 'vitest';
import type { Failure } from '../../../src/defer/failure';
import { HttpHandoffFactory } from '../../../src/protocols/http/handoff';
import { PrefixReplayFactory, PrefixReplayProtocol } from '../../../src/protocols/porter/prefix-replay';
import type { Protocol } from '../../../src/reactor/interfaces/protocol';
import type { Transport } from '../../../src/reactor/interfaces/transport';
import { Clock, StringTransport } from '../../../src/testing/index';
import { bytes, text } from '../splits';

class Recorder implements Protocol {
  events: string[] = [];
  makeConnection(_t: Transport): void { this.events.push('made'); }
  dataReceived(data: Uint8Array): void { this.events.push(`data:${text(data)}`); }
  connectionLost(_r: Failure): void { this.events.push('lost'); }
}

class HalfCloser extends Recorder {
  readConnectionLost(): void { this.events.push('readLost'); }
}

describe('PrefixReplayFactory', () => {
  it('replays the prefix right after makeConnection, before later data', () => {
    const inner = new Recorder();
    const protocol = new PrefixReplayFactory({ buildProtocol: () => inner }, bytes('GET / HTTP/1.0\r\n')).buildProtocol(new StringTransport().getPeer());
    expect(protocol).toBeInstanceOf(PrefixReplayProtocol);
    protocol?.makeConnection(new StringTransport());
    protocol?.dataReceived(bytes('Host: x\r\n'));
    protocol?.connectionLost({} as Failure);
    expect(inner.events).toEqual(['made', 'data:GET / HTTP/1.0\r\n', 'data:Host: x\r\n', 'lost']);
  });

  it('skips an empty prefix, and the prefix when the inner protocol closed the connection at once', () => {
    const inner = new Recorder();
    new PrefixReplayProtocol(inner, new Uint8Array()).makeConnection(new StringTransport());
    expect(inner.events).toEqual(['made']);
    const closer = new (class extends Recorder {
      override makeConnection(t: Transport): void { super.makeConnection(t); t.abortConnection(); }
    })();
    new PrefixReplayProtocol(closer, bytes('x')).makeConnection(new StringTransport());
    expect(closer.events).toEqual(['made']);
  });

  it('mirrors readConnectionLost only when the inner protocol has it', () => {
    expect(new PrefixReplayProtocol(new Recorder(), new Uint8Array()).readConnectionLost).toBeUndefined();
    const half = new HalfCloser();
    const wrapped = new PrefixReplayProtocol(half, new Uint8Array());
    wrapped.readConnectionLost?.();
    expect(half.events).toEqual(['readLost']);
  });

  it('keeps a refusal (null) from the inner factory', () => {
    expect(new PrefixReplayFactory({ buildProtocol: () => null }, bytes('x')).buildProtocol(new StringTransport().getPeer())).toBeNull();
  });

  it('lets HttpHandoffFactory answer a request whose first line was read by the porter', () => {
    const handoff = new HttpHandoffFactory({
      mount: () => undefined, bouncer: null, time: new Clock(),
      other: (head) => ({ status: 200, body: `path=${head.path} probe=${head.headers.get('x-probe') ?? ''}` }),
    });
    const transport = new StringTransport();
    const protocol = new PrefixReplayFactory(handoff, bytes('GET /status HTTP/1.0\r\nX-Pro')).buildProtocol(transport.getPeer());
    protocol?.makeConnection(transport);
    protocol?.dataReceived(bytes('be: 42\r\n\r\n'));
    expect(text(transport.value())).toMatch(/^HTTP\/1\.0 200 [^]*path=\/status probe=42$/);
  });
});
