/**
 * PorterProtocol on a StringTransport and the Clock: refusals (404, 503, 400, 414, 408), and a pass
 * that hands the router the detached fd with the line, the bytes read with it and Node's leftover.
 */
import { describe, expect, it } from 'vitest';
import { Deferred, succeed } from '../../../src/defer/deferred';
import { captureLogs } from '../../../src/log';
import { PorterFactory, type PorterRoute } from '../../../src/protocols/porter/porter-protocol';
import type { RequestLine } from '../../../src/protocols/porter/request-line';
import type { DetachedSocket } from '../../../src/reactor/interfaces/transport';
import { Clock, StringTransport } from '../../../src/testing/index';
import { bytes, text } from '../splits';

/** A StringTransport whose detach() succeeds with a fake fd and some leftover bytes. */
class DetachableTransport extends StringTransport {
  detached = false;
  constructor(private readonly leftover: Uint8Array, private readonly outcome: 'ok' | 'fail' = 'ok') { super(); }
  override detach(): Deferred<DetachedSocket> {
    if (this.outcome === 'fail') {
      const d = new Deferred<DetachedSocket>();
      d.errback(new Error('peer gone'));
      return d;
    }
    this.detached = true;
    return succeed({ fd: 1234, leftover: this.leftover, host: this.getHost(), peer: this.getPeer() });
  }
}

function setup(route: (line: RequestLine) => PorterRoute, transport = new StringTransport(), lineTimeout = 30, maxLineBytes = 4096) {
  const clock = new Clock();
  const factory = new PorterFactory({ router: { route }, time: clock, lineTimeout, maxLineBytes });
  const protocol = factory.buildProtocol(transport.getPeer());
  if (protocol === null) throw new Error('no protocol');
  protocol.makeConnection(transport);
  return { clock, protocol, transport };
}

describe('PorterProtocol', () => {
  const logs = captureLogs();

  it('answers 404 itself for a path nobody owns', () => {
    const { protocol, transport } = setup(() => ({ kind: 'unknown' }));
    protocol.dataReceived(bytes('GET /nope HTTP/1.0\r\n\r\n'));
    expect(text(transport.value())).toMatch(/^HTTP\/1\.0 404 /);
    expect(text(transport.value())).toContain('/nope');
    expect(transport.disconnecting).toBe(true);
  });

  it('answers 503 with Retry-After when the streamer is not up', () => {
    const { protocol, transport } = setup(() => ({ kind: 'unavailable', reason: 'down' }));
    protocol.dataReceived(bytes('GET /a HTTP/1.0\r\n'));
    expect(text(transport.value())).toMatch(/^HTTP\/1\.0 503 [^]*Retry-After: 5/);
  });

  it('answers 400 for a malformed line and 414 for an oversize one', () => {
    const a = setup(() => ({ kind: 'unknown' }));
    a.protocol.dataReceived(bytes('HELLO\r\n'));
    expect(text(a.transport.value())).toMatch(/^HTTP\/1\.0 400 /);
    const b = setup(() => ({ kind: 'unknown' }), new StringTransport(), 30, 32);
    b.protocol.dataReceived(bytes(`GET /${'x'.repeat(40)}`));
    expect(text(b.transport.value())).toMatch(/^HTTP\/1\.0 414 /);
  });

  it('answers 408 when the line does not arrive within lineTimeout, and not before', () => {
    const { clock, protocol, transport } = setup(() => ({ kind: 'unknown' }), new StringTransport(), 5);
    protocol.dataReceived(bytes('GET /slow'));
    clock.advance(4.9);
    expect(transport.value().length).toBe(0);
    clock.advance(0.2);
    expect(text(transport.value())).toMatch(/^HTTP\/1\.0 408 /);
    expect(transport.disconnecting).toBe(true);
  });

  it('passes the detached fd with every byte read: the line, what came with it, and the leftover', () => {
    const passed: Array<{ fd: number; prefix: string; path: string }> = [];
    const transport = new DetachableTransport(bytes('LEFTOVER'));
    const { clock, protocol } = setup(() => ({
      kind: 'pass', pass: (fd, prefix, path) => { passed.push({ fd, prefix: text(prefix), path }); return succeed(undefined); },
    }), transport, 5);
    protocol.dataReceived(bytes('GET /a?t=1 HT'));
    protocol.dataReceived(bytes('TP/1.1\r\nHost: x\r\n'));
    expect(transport.detached).toBe(true);
    expect(transport.producerState).toBe('paused');
    expect(passed).toEqual([{ fd: 1234, prefix: 'GET /a?t=1 HTTP/1.1\r\nHost: x\r\nLEFTOVER', path: '/a' }]);
    protocol.dataReceived(bytes('ignored'));
    clock.advance(10); // no 408 after a pass
    expect(transport.value().length).toBe(0);
  });

  it('logs and gives up when the client leaves during detach, or the pass fails', () => {
    const gone = setup(() => ({ kind: 'pass', pass: () => succeed(undefined) }), new DetachableTransport(new Uint8Array(), 'fail'));
    gone.protocol.dataReceived(bytes('GET /a HTTP/1.0\r\n'));
    expect(logs.records.some((r) => /client left before/.test(r.message))).toBe(true);
    const failing = setup(() => ({ kind: 'pass', pass: () => { const d = new Deferred<void>(); d.errback(new Error('send failed')); return d; } }),
      new DetachableTransport(new Uint8Array()));
    failing.protocol.dataReceived(bytes('GET /a HTTP/1.0\r\n'));
    expect(logs.records.some((r) => /pass failed/.test(r.message))).toBe(true);
  });
});
