import { describe, expect, it } from 'vitest';
import { Deferred, fail } from '../../../src/defer/deferred';
import { Failure } from '../../../src/defer/failure';
import { ConnectionDone } from '../../../src/errors';
import { captureLogs } from '../../../src/log';
import type { Transport } from '../../../src/reactor/interfaces/transport';
import type { Bouncer } from '../../../src/protocols/auth/bouncer';
import { mintToken } from '../../../src/protocols/auth/token';
import { HmacTokenBouncer } from '../../../src/protocols/auth/token-bouncer';
import { AuthRateLimited } from '../../../src/protocols/errors';
import {
  HttpHandoffProtocol, keycardFor, type HandoffRequest, type HttpHandoffOptions, type HttpMount,
} from '../../../src/protocols/http/handoff';
import { HttpRequestHeadReader } from '../../../src/protocols/http/request-head';
import { Clock } from '../../../src/testing/clock';
import { StringTransport } from '../../../src/testing/string-transport';

const SECRET = 'a-test-secret-of-enough-length';

class TestMount implements HttpMount {
  readonly contentType = 'video/webm';
  ready: Deferred<unknown> | null = null;
  full: string | null = null;
  handed: Array<{ transport: Transport; request: HandoffRequest }> = [];
  whenReady(): Deferred<unknown> | null { return this.ready; }
  refusal(): string | null { return this.full; }
  handOff(transport: Transport, request: HandoffRequest): void { this.handed.push({ transport, request }); }
}

function setup(overrides: Partial<HttpHandoffOptions> = {}) {
  const clock = new Clock();
  const mount = new TestMount();
  const options: HttpHandoffOptions = {
    mount: (path) => (path === '/live.webm' ? mount : undefined),
    bouncer: new HmacTokenBouncer({ secret: SECRET, clock }),
    time: clock,
    ...overrides,
  };
  const connect = () => {
    const transport = new StringTransport();
    const protocol = new HttpHandoffProtocol(options);
    protocol.makeConnection(transport);
    return { transport, protocol };
  };
  return { clock, mount, connect };
}

const status = (t: StringTransport): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(t.value().toString('latin1'))?.[1]);
const req = (target: string, extra = ''): Buffer => Buffer.from(`GET ${target} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`);

describe('HTTP hand-off', () => {
  it('streams to a viewer with a valid token: head with Connection: close, then hand-off', () => {
    const { clock, mount, connect } = setup();
    const { transport, protocol } = connect();
    protocol.dataReceived(req(`/live.webm?token=${mintToken(SECRET, '/live.webm', 60)}`));
    expect(status(transport)).toBe(200);
    const head = transport.value().toString('latin1');
    expect(head).toContain('Content-Type: video/webm');
    expect(head).toContain('Connection: close');
    expect(mount.handed).toHaveLength(1);
    expect(mount.handed[0]?.request.identity).toBe('token:/live.webm');
    expect(transport.disconnecting).toBe(false);
    // No further timers fire into a handed-off connection.
    clock.advance(100);
    expect(transport.disconnecting).toBe(false);
  });

  it('answers 401 with WWW-Authenticate when credentials are missing or wrong', () => {
    const { mount, connect } = setup();
    const a = connect();
    a.protocol.dataReceived(req('/live.webm'));
    expect(status(a.transport)).toBe(401);
    expect(a.transport.value().toString()).toContain('WWW-Authenticate: Basic realm="torsion"');
    expect(a.transport.disconnecting).toBe(true);
    const b = connect();
    b.protocol.dataReceived(req('/live.webm?token=forged.token'));
    expect(status(b.transport)).toBe(401);
    expect(mount.handed).toHaveLength(0);
  });

  it('answers 403 for an expired or out-of-scope token', () => {
    const { clock, connect } = setup();
    const token = mintToken(SECRET, '/live.webm', 10);
    const other = connect();
    other.protocol.dataReceived(req(`/live.webm?token=${mintToken(SECRET, '/live.ogg', 10)}`));
    expect(status(other.transport)).toBe(403);
    clock.advance(11);
    const late = connect();
    late.protocol.dataReceived(req(`/live.webm?token=${token}`));
    expect(status(late.transport)).toBe(403);
  });

  it('answers 404 for an unknown path, 405 for other methods, 400 for garbage, 431 for a huge head', () => {
    const { connect } = setup({ maxHeadBytes: 512 });
    const a = connect();
    a.protocol.dataReceived(req('/nope'));
    expect(status(a.transport)).toBe(404);
    const b = connect();
    b.protocol.dataReceived(Buffer.from('POST /live.webm HTTP/1.1\r\nContent-Length: 0\r\n\r\n'));
    expect(status(b.transport)).toBe(405);
    expect(b.transport.value().toString()).toContain('Allow: GET, HEAD');
    const c = connect();
    c.protocol.dataReceived(Buffer.from('\x16\x03\x01 not http\r\n\r\n'));
    expect(status(c.transport)).toBe(400);
    const d = connect();
    d.protocol.dataReceived(Buffer.from(`GET / HTTP/1.1\r\nX: ${'a'.repeat(600)}`));
    expect(status(d.transport)).toBe(431);
  });

  it('answers 503 when the mount refuses (limits)', () => {
    const { mount, connect } = setup({ bouncer: null });
    mount.full = 'too many viewers';
    const { transport, protocol } = connect();
    protocol.dataReceived(req('/live.webm'));
    expect(status(transport)).toBe(503);
    expect(transport.value().toString()).toContain('too many viewers');
  });

  it('closes a slow-loris client whose head does not arrive in time with 408', () => {
    const { clock, connect } = setup({ headTimeout: 5 });
    const { transport, protocol } = connect();
    protocol.dataReceived(Buffer.from('GET /live.webm HTTP/1.1\r\nX-'));
    clock.advance(4.9);
    expect(transport.disconnecting).toBe(false);
    clock.advance(0.2);
    expect(status(transport)).toBe(408);
    expect(transport.disconnecting).toBe(true);
  });

  it('waits for a mount that is not ready yet, bounded by readyTimeout', () => {
    const { clock, mount, connect } = setup({ bouncer: null, readyTimeout: 3 });
    mount.ready = new Deferred();
    const early = connect();
    early.protocol.dataReceived(req('/live.webm'));
    expect(early.transport.value().length).toBe(0);
    clock.advance(1);
    const ready = mount.ready;
    mount.ready = null;
    ready.callback(null);
    expect(status(early.transport)).toBe(200);
    expect(mount.handed).toHaveLength(1);

    mount.ready = new Deferred();
    const late = connect();
    late.protocol.dataReceived(req('/live.webm'));
    clock.advance(3.1);
    expect(status(late.transport)).toBe(503);
    expect(mount.handed).toHaveLength(1);
  });

  it('drops a client that vanished during asynchronous authentication, without answering it', () => {
    const pending = new Deferred<never>();
    let cancelled = false;
    const slow: Bouncer = { authenticate: () => { pending.addErrback(() => { cancelled = true; return null; }); return pending as never; } };
    const { mount, connect } = setup({ bouncer: slow });
    const { transport, protocol } = connect();
    protocol.dataReceived(req('/live.webm?token=x'));
    transport.disconnecting = true;
    protocol.connectionLost(new Failure(new ConnectionDone()));
    expect(cancelled).toBe(true);
    expect(mount.handed).toHaveLength(0);
    expect(transport.value().length).toBe(0);
  });

  it('maps rate limiting to 429 and a crashing bouncer to 500', () => {
    const limited = setup({ bouncer: { authenticate: () => fail(new AuthRateLimited('slow down', 30)) } });
    const a = limited.connect();
    a.protocol.dataReceived(req('/live.webm?token=x'));
    expect(status(a.transport)).toBe(429);
    expect(a.transport.value().toString()).toContain('Retry-After: 30');
    const logs = captureLogs();
    const broken = setup({ bouncer: { authenticate: () => fail(new RangeError('bug')) } });
    const b = broken.connect();
    b.protocol.dataReceived(req('/live.webm?token=x'));
    logs.restore();
    expect(status(b.transport)).toBe(500);
    expect(logs.records.map((r) => r.message)).toContain('bouncer failed');
  });

  it('serves HEAD with the stream head and no hand-off', () => {
    const { mount, connect } = setup({ bouncer: null });
    const { transport, protocol } = connect();
    protocol.dataReceived(Buffer.from('HEAD /live.webm HTTP/1.1\r\n\r\n'));
    expect(status(transport)).toBe(200);
    expect(transport.disconnecting).toBe(true);
    expect(mount.handed).toHaveLength(0);
  });

  it('serves other paths through the `other` handler, else 404', () => {
    const { connect } = setup({ other: (head) => (head.path === '/stats' ? { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"ok":true}' } : null) });
    const { transport, protocol } = connect();
    protocol.dataReceived(req('/stats'));
    const text = transport.value().toString();
    expect(status(transport)).toBe(200);
    expect(text).toContain('Content-Length: 11');
    expect(text.endsWith('{"ok":true}')).toBe(true);
  });

  it('reads credentials from ?token= first, then HTTP Basic', () => {
    const peer = { type: 'TCP', family: 'IPv4', host: '127.0.0.1', port: 1 } as const;
    const parse = (s: string) => new HttpRequestHeadReader().push(Buffer.from(s))!.head;
    expect(keycardFor(parse('GET /a?token=t HTTP/1.1\r\nAuthorization: Basic dTpw\r\n\r\n'), peer)?.kind).toBe('hmac-token');
    const basic = keycardFor(parse(`GET /a HTTP/1.1\r\nAuthorization: Basic ${Buffer.from('ann:pa:ss').toString('base64')}\r\n\r\n`), peer);
    expect(basic?.kind === 'username-password' && basic.username === 'ann' && basic.password === 'pa:ss').toBe(true);
    expect(keycardFor(parse('GET /a HTTP/1.1\r\nAuthorization: Bearer x\r\n\r\n'), peer)).toBeNull();
  });
});
