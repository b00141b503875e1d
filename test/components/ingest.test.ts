/** The producer protocol of an ingest source, on a Clock and a StringTransport with a fake sink. */
import { describe, expect, it } from 'vitest';
import { IngestProtocol, type ProducerFormat, type ProducerSink } from '../../src/components/index';
import type { Detachable } from '../../src/gst/index';
import { Clock, StringTransport } from '../../src/testing/index';

class FakeSink implements ProducerSink {
  busy = false;
  readonly accepted: Array<[Detachable, string, ProducerFormat | undefined]> = [];
  acceptProducer(source: Detachable, peer: string, format?: ProducerFormat): Promise<void> {
    this.accepted.push([source, peer, format]);
    this.busy = true;
    return Promise.resolve();
  }
}

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function connect(sink = new FakeSink()): { clock: Clock; sink: FakeSink; transport: StringTransport; protocol: IngestProtocol } {
  const clock = new Clock();
  const protocol = new IngestProtocol({ path: '/ingest', password: 'hunter22', sink, time: clock });
  const transport = new StringTransport();
  protocol.makeConnection(transport);
  return { clock, sink, transport, protocol };
}

function answer(head: string, sink?: FakeSink): { status: number; text: string; accepted: number } {
  const c = connect(sink);
  c.protocol.dataReceived(Buffer.from(head));
  const text = c.transport.value().toString();
  return { status: Number(/^HTTP\/1\.[01] (\d+)/.exec(text)?.[1] ?? 0), text, accepted: c.sink.accepted.length };
}

describe('IngestProtocol', () => {
  it('accepts PUT, POST and SOURCE with the source password: 200, then the transport goes to the sink', () => {
    for (const method of ['PUT', 'POST', 'SOURCE']) {
      const c = connect();
      c.protocol.dataReceived(Buffer.from(`${method} /ingest HTTP/1.0\r\nAuthorization: ${basic('source', 'hunter22')}\r\n`));
      c.protocol.dataReceived(Buffer.from('Content-Type: video/webm\r\n\r\n'));
      expect(c.transport.value().toString()).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
      expect(c.sink.accepted).toHaveLength(1);
      expect(c.sink.accepted[0]?.[0]).toBe(c.transport);
      expect(c.sink.accepted[0]?.[2]).toBe('stream');
      expect(c.clock.getDelayedCalls()).toHaveLength(0);
    }
  });

  it('tells the sink a GDP stream by its Content-Type (application/x-gdp, any case, with parameters)', () => {
    for (const [type, format] of [['application/x-gdp', 'gdp'], ['Application/X-GDP; version=1.0', 'gdp'], ['video/ogg', 'stream']] as const) {
      const c = connect();
      c.protocol.dataReceived(Buffer.from(`PUT /ingest HTTP/1.0\r\nAuthorization: ${basic('source', 'hunter22')}\r\nContent-Type: ${type}\r\n\r\n`));
      expect(c.sink.accepted[0]?.[2], type).toBe(format);
    }
  });

  it('refuses everything else with a complete short answer', () => {
    const ok = `Authorization: ${basic('source', 'hunter22')}\r\n`;
    expect(answer('PUT /ingest HTTP/1.0\r\n\r\n')).toMatchObject({ status: 401, accepted: 0 });
    expect(answer(`PUT /ingest HTTP/1.0\r\nAuthorization: ${basic('source', 'hunter2')}\r\n\r\n`).status).toBe(401);
    expect(answer(`PUT /ingest HTTP/1.0\r\nAuthorization: ${basic('admin', 'hunter22')}\r\n\r\n`).status).toBe(401);
    expect(answer('PUT /ingest HTTP/1.0\r\n\r\n').text).toMatch(/WWW-Authenticate: Basic realm="torsion source"/);
    expect(answer(`GET /ingest HTTP/1.0\r\n${ok}\r\n`)).toMatchObject({ status: 405 });
    expect(answer(`PUT /other HTTP/1.0\r\n${ok}\r\n`).status).toBe(404);
    expect(answer(`PUT /ingest HTTP/1.1\r\nHost: x\r\n${ok}Transfer-Encoding: chunked\r\n\r\n`).status).toBe(411);
    expect(answer(`PUT /ingest HTTP/1.0\r\n${ok}\r\n\x1a\x45\xdf\xa3`)).toMatchObject({ status: 400, accepted: 0 });
    const busy = new FakeSink();
    busy.busy = true;
    expect(answer(`PUT /ingest HTTP/1.0\r\n${ok}\r\n`, busy)).toMatchObject({ status: 409, accepted: 0 });
    expect(answer('not http at all\r\n\r\n').status).toBe(400);
  });

  it('answers 408 to a producer that does not send its head in time', () => {
    const c = connect();
    c.protocol.dataReceived(Buffer.from('PUT /ingest HTTP/1.0\r\n'));
    c.clock.advance(9.9);
    expect(c.transport.value().length).toBe(0);
    c.clock.advance(0.1);
    expect(c.transport.value().toString()).toMatch(/^HTTP\/1\.[01] 408/);
    expect(c.transport.connected).toBe(false);
    expect(c.sink.accepted).toHaveLength(0);
  });
});
