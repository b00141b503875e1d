/**
 * refuseHttpRequest on a StringTransport: the complete short response (status line, plain-text
 * reason, extra headers, Connection: close), the log line at its level with status, reason and
 * peer, the close after the write; nothing at all on a connection already gone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLogs, type LogCapture } from '../../../src/log';
import { refuseHttpRequest } from '../../../src/protocols/http/refusal';
import { simpleResponse } from '../../../src/protocols/http/response-head';
import { StringTransport } from '../../../src/testing/string-transport';

describe('refuseHttpRequest', () => {
  let logs: LogCapture;
  beforeEach(() => { logs = captureLogs(); });
  afterEach(() => logs.restore());

  it('writes the short response, logs it, then closes', () => {
    const t = new StringTransport();
    refuseHttpRequest(t, 503, 'stream not ready', { 'Retry-After': 5 }, { message: 'request refused', level: 'info' });
    expect(t.value()).toEqual(Buffer.from(simpleResponse(503, 'stream not ready\n', { 'Retry-After': 5 })));
    const text = t.value().toString('latin1');
    expect(text).toMatch(/^HTTP\/1\.0 503 Service Unavailable\r\n/);
    expect(text).toContain('\r\nRetry-After: 5\r\n');
    expect(text).toContain('\r\nConnection: close\r\n');
    expect(text.endsWith('\r\n\r\nstream not ready\n')).toBe(true);
    expect(t.disconnecting).toBe(true);
    expect(t.aborted).toBe(false);
    expect(logs.records).toEqual([{ level: 'info', message: 'request refused', fields: { status: 503, reason: 'stream not ready', peer: t.getPeer() } }]);
  });

  it('logs at the level asked for', () => {
    refuseHttpRequest(new StringTransport(), 404, 'no stream at /x', {}, { message: 'http request refused', level: 'debug' });
    expect(logs.records.map((r) => [r.level, r.message, r.fields['status']])).toEqual([['debug', 'http request refused', 404]]);
  });

  it('does nothing when the connection is gone or was never there', () => {
    const t = new StringTransport();
    t.loseConnection();
    refuseHttpRequest(t, 400, 'bad request', {}, { message: 'refused', level: 'info' });
    refuseHttpRequest(null, 400, 'bad request', {}, { message: 'refused', level: 'info' });
    expect(t.writes).toEqual([]);
    expect(logs.records).toEqual([]);
  });
});
