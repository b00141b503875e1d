/**
 * The HTTP hand-off over real sockets on NodeReactor, with a real scrypt password file behind a
 * per-address rate limiter: right and wrong passwords, 1,000 failed attempts from one address
 * (refused with 429 without costing a scrypt run each, while another address still gets in), and a
 * slow-loris client closed with 408 when its head does not arrive in time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailureRateLimiter, RateLimitedBouncer } from '../../../src/protocols/auth/rate-limiter';
import { PasswordFileBouncer } from '../../../src/protocols/auth/password-file-bouncer';
import { formatPasswordLine, hashPassword } from '../../../src/protocols/auth/password-file';
import { HttpHandoffFactory, type HttpMount } from '../../../src/protocols/http/handoff';
import { NodeReactor } from '../../../src/reactor/impl/node-reactor';
import type { Deferred } from '../../../src/defer/deferred';

/** One HTTP exchange over a fresh socket; resolves with everything the server sent. */
function exchange(port: number, request: string, localAddress = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress }, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}
const statusOf = (response: string): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0);
const basic = (user: string, password: string): string =>
  `GET /live HTTP/1.1\r\nAuthorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}\r\n\r\n`;

describe('HTTP hand-off over real sockets', () => {
  const reactor = new NodeReactor();
  const dir = mkdtempSync(join(tmpdir(), 'torsion-handoff-'));
  let port = 0;
  let running: Deferred<void>;
  const limiter = new FailureRateLimiter({ clock: reactor, burst: 10, refillPerSecond: 0.01 });
  let scryptCalls = 0;

  beforeAll(async () => {
    const hash = await hashPassword('s3cret', { params: { N: 2 ** 10, r: 8, p: 1 } });
    writeFileSync(join(dir, 'passwd'), `${formatPasswordLine('ann', hash)}\n`);
    const passwords = new PasswordFileBouncer(join(dir, 'passwd'));
    const counting = { authenticate: (k: Parameters<PasswordFileBouncer['authenticate']>[0]) => { scryptCalls++; return passwords.authenticate(k); } };
    const mount: HttpMount = {
      contentType: 'text/plain',
      whenReady: () => null,
      refusal: () => null,
      // No GStreamer here: the "sink" writes a line and closes, to show the hand-off happened.
      handOff: (transport) => { transport.write('streaming\n'); transport.loseConnection(); },
    };
    const factory = new HttpHandoffFactory({
      mount: (path) => (path === '/live' ? mount : undefined),
      bouncer: new RateLimitedBouncer(counting, limiter),
      time: reactor,
      headTimeout: 0.5,
    });
    running = reactor.run({ installSignalHandlers: false });
    const listening = await reactor.listenTCP(0, factory, { interface: '127.0.0.1' });
    const host = listening.getHost();
    port = host.type === 'TCP' ? host.port : 0;
  });

  afterAll(async () => {
    reactor.stop();
    await running;
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams to the right password, answers 401 to a wrong one', async () => {
    const ok = await exchange(port, basic('ann', 's3cret'), '127.0.0.3');
    expect(statusOf(ok)).toBe(200);
    expect(ok.endsWith('streaming\n')).toBe(true);
    const wrong = await exchange(port, basic('ann', 'nope'), '127.0.0.3');
    expect(statusOf(wrong)).toBe(401);
    expect(wrong).toContain('WWW-Authenticate: Basic');
  });

  it('rate-limits 1,000 failed attempts from one address; another address still gets in', async () => {
    const before = scryptCalls;
    const statuses: number[] = [];
    for (let batch = 0; batch < 50; batch++) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => exchange(port, basic('ann', 'guess'), '127.0.0.2')));
      statuses.push(...answers.map(statusOf));
    }
    const counts = statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});
    expect(statuses).toHaveLength(1000);
    expect(counts[429]).toBeGreaterThanOrEqual(1000 - 30);
    expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(1000);
    // A limited address is refused before the password file is consulted.
    expect(scryptCalls - before).toBeLessThanOrEqual(30);
    const other = await exchange(port, basic('ann', 's3cret'), '127.0.0.4');
    expect(statusOf(other)).toBe(200);
  }, 60_000);

  it('closes a slow-loris client with 408 when its head does not arrive in time', async () => {
    const started = reactor.seconds();
    const response = await exchange(port, 'GET /live HTTP/1.1\r\nX-Slow: ', '127.0.0.5');
    expect(statusOf(response)).toBe(408);
    expect(reactor.seconds() - started).toBeLessThan(5);
  });
});
