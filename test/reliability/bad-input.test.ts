/**
 * Bad input everywhere, against a real `torsion serve`: a corpus of malformed HTTP request heads
 * (each answered 4xx and closed, never 5xx, never a stream), invalid tokens of every shape (empty,
 * truncated, wrong signature, another secret, wrong path, expired, non-base64, huge, …: 401/403,
 * never 500 or 200), bad configuration files (exit 2 with a message naming the field, in-process
 * through the command), and a password file with broken lines (the good user still logs in, the
 * broken ones are refused with 401, the server keeps serving). After all of it the server is
 * still happy and serves a good viewer.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveCommand } from '../../src/cli/commands/serve';
import { mintToken } from '../../src/protocols/index';
import { hashPassword } from '../../src/protocols/auth/password-file';
import { captureIO } from '../cli/io';
import { SECRET, get, rawClient, servesAViewer, startServe, tempDir, token, unixNow, writeConfig, type ServeProcess } from './helpers';

const dir = tempDir('torsion-bad-input-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Malformed request heads; every one must get a 4xx and a close. */
const MALFORMED: ReadonlyArray<[string, string | Buffer]> = [
  ['garbage line', 'GARBAGE\r\n\r\n'],
  ['method only', 'GET\r\n\r\n'],
  ['no version', 'GET /live.webm\r\n\r\n'],
  ['unknown version', 'GET /live.webm HTTP/9.9\r\nHost: x\r\n\r\n'],
  ['lower-case version', 'GET /live.webm http/1.1\r\nHost: x\r\n\r\n'],
  ['header without colon', 'GET /live.webm HTTP/1.1\r\nHost\r\n\r\n'],
  ['space before colon', 'GET /live.webm HTTP/1.1\r\nHost : x\r\n\r\n'],
  ['NUL in a header', 'GET /live.webm HTTP/1.1\r\nHost: a\u0000b\r\n\r\n'],
  ['NUL in the path', 'GET /live\u0000.webm HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['control characters in the path', 'GET /live\u0001\u0002.webm HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['bad Content-Length', 'GET /live.webm HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'],
  ['two Content-Lengths', 'GET /live.webm HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'],
  ['chunked and Content-Length', 'GET /live.webm HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n'],
  ['obsolete line folding', 'GET /live.webm HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n'],
  ['relative path', 'GET live.webm HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['POST', 'POST /live.webm HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n'],
  ['DELETE', 'DELETE /live.webm HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['CONNECT', 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['unknown method', 'BREW /live.webm HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['bad percent-encoding', 'GET /%ZZ%G0 HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['no credentials', 'GET /live.webm HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['oversize request line', `GET /${'a'.repeat(64 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`],
  ['oversize header', `GET /live.webm HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(32 * 1024)}\r\n\r\n`],
  ['ten thousand headers', `GET /live.webm HTTP/1.1\r\n${'X-A: 1\r\n'.repeat(10_000)}\r\n`],
  ['TLS ClientHello on the HTTP port', Buffer.from('160301012c0100012803035a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a0d0a0d0a', 'hex')],
  ['binary noise', Buffer.concat([Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff)), Buffer.from('\r\n\r\n')])],
  ['bad Basic credentials', 'GET /live.webm HTTP/1.1\r\nHost: x\r\nAuthorization: Basic !!!notbase64!!!\r\n\r\n'],
  ['Basic without a colon', `GET /live.webm HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from('nocolon').toString('base64')}\r\n\r\n`],
  ['unknown auth scheme', 'GET /live.webm HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer abc\r\n\r\n'],
];

/** Token shapes that must be refused with 401 or 403 (and the one expected when it is known). */
function badTokens(): ReadonlyArray<[string, string, number | null]> {
  const good = mintToken(SECRET, '/live.webm', unixNow() + 600);
  const [payload, signature] = good.split('.') as [string, string];
  const flip = (s: string): string => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
  return [
    ['empty', '', 401],
    ['a dot', '.', 401],
    ['payload only', payload, 401],
    ['payload and a dot', `${payload}.`, 401],
    ['signature only', `.${signature}`, 401],
    ['truncated signature', good.slice(0, -5), 401],
    ['truncated payload', `${payload.slice(0, -3)}.${signature}`, 401],
    ['flipped signature', `${payload}.${flip(signature)}`, 401],
    ['flipped payload', `${flip(payload)}.${signature}`, 401],
    ['another secret', mintToken('another-secret-0123456789abcdef', '/live.webm', unixNow() + 600), 401],
    ['non-base64', '!!!$$$.%%%***', 401],
    ['padded base64', `${payload}==.${signature}==`, 401],
    ['many dots', `${payload}.${signature}.${signature}`, 401],
    ['unicode', 'ünïcödé.tökén', 401],
    ['huge (3 KB)', `${'A'.repeat(3000)}.${'B'.repeat(43)}`, 401],
    ['huge (8 KB)', `${'A'.repeat(8000)}.${signature}`, null],
    ['wrong path', mintToken(SECRET, '/live.ogg', unixNow() + 600), 403],
    ['a prefix that is not a directory', mintToken(SECRET, '/live', unixNow() + 600), 403],
    ['expired', mintToken(SECRET, '/live.webm', unixNow() - 5), 403],
    ['expired long ago', mintToken(SECRET, '/live.webm', 0), 403],
    ['payload forged to another path with the right signature', `${Buffer.from(`/|${unixNow() + 600}`).toString('base64url')}.${signature}`, 401],
  ];
}

async function expectRefusedAndServing(server: ServeProcess, port: number): Promise<void> {
  expect(await servesAViewer(port, `/live.webm?token=${token('/live.webm')}`)).toBe(true);
  expect(server.child.exitCode).toBeNull();
}

describe('bad input against torsion serve', () => {
  it('answers every malformed request head 4xx and closes; every bad token 401/403, never 5xx', async () => {
    const { server, port } = await startServe(writeConfig(dir));
    try {
      for (const [name, head] of MALFORMED) {
        const r = await rawClient(port, { send: head, timeoutMs: 15_000 });
        expect(r.status, `${name}: ${JSON.stringify(r)}`).not.toBeNull();
        expect(r.status as number, name).toBeGreaterThanOrEqual(400);
        expect(r.status as number, name).toBeLessThan(500);
        expect(r.closedByServer || r.error !== null, `${name}: not closed`).toBe(true);
        expect(r.error, name).not.toBe('timeout');
      }
      for (const [name, t, status] of badTokens()) {
        for (const path of ['/live.webm', '/stats', '/metrics', '/']) {
          const r = await rawClient(port, { send: get(`${path}?token=${encodeURIComponent(t)}`) });
          if (status !== null && path === '/live.webm') expect(r.status, `${name} on ${path}`).toBe(status);
          else if (status !== null && (status === 401 || name !== 'wrong path')) expect([401, 403], `${name} on ${path}: ${r.status}`).toContain(r.status);
          expect(r.status as number, `${name} on ${path}`).toBeGreaterThanOrEqual(400);
          expect(r.status as number, `${name} on ${path}`).toBeLessThan(500);
          expect(r.closedByServer, name).toBe(true);
        }
      }
      // Two token parameters: the first wins or the request is refused; never served with the bad one.
      const twice = await rawClient(port, { send: get(`/live.webm?token=garbage&token=${token('/live.webm')}`), closeAfterBytes: 2000 });
      expect(twice.status === 200 || twice.status === 401 || twice.status === 400, String(twice.status)).toBe(true);
      await expectRefusedAndServing(server, port);
      expect(server.stderr()).not.toMatch(/"level":"error"/);
      expect(await server.stop(), server.stderr().slice(-3000)).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 90_000);

  it('rejects bad configuration files with exit 2 and a message naming the field', async () => {
    const cases: ReadonlyArray<[string, RegExp]> = [
      ['port: -1', /^torsion serve: port: /],
      ['port: abc', /^torsion serve: port: /],
      ['port: 70000', /^torsion serve: port: /],
      ['host: 42', /^torsion serve: host: /],
      ['mounts: []', /^torsion serve: mounts: /],
      ['mounts: [{ path: live }]', /^torsion serve: mounts\[0\]\.path: /],
      ['mounts: [{ path: /stats }]', /^torsion serve: mounts\[0\]\.path: /],
      ['mounts: [{ path: /a.webm }, { path: /a.webm }]', /^torsion serve: mounts\[1\]\.path: /],
      ['mounts: [{ path: /a.webm, video: theora }]', /^torsion serve: mounts\[0\]\.video: /],
      ['mounts: [{ path: /a.webm, maxViewers: 0 }]', /^torsion serve: mounts\[0\]\.maxViewers: /],
      ['source: { width: big }', /^torsion serve: source\.width: /],
      ['source: { type: camera }', /^torsion serve: source\.type: /],
      ['source: { framerate: 0 }', /^torsion serve: source\.framerate: /],
      ['encoding: { vorbisQuality: 5 }', /^torsion serve: encoding\.vorbisQuality: /],
      ['encoding: { videoBitrate: -1 }', /^torsion serve: encoding\.videoBitrate: /],
      ['slowViewers: { policy: nope }', /^torsion serve: slowViewers\.policy: /],
      ['slowViewers: { timeout: -2 }', /^torsion serve: slowViewers\.timeout: /],
      ['authRateLimit: { burst: -3 }', /^torsion serve: authRateLimit\.burst: /],
      ['tls: { port: 1 }', /^torsion serve: tls\.cert: /],
      ['recordings: [{ mount: /nope.webm, file: /tmp/x }]', /^torsion serve: recordings\[0\]\.mount: /],
      ['passwordFile: 42', /^torsion serve: passwordFile: /],
      ['maxViewers: 0', /^torsion serve: maxViewers: /],
      ['maxBandwidth: -5', /^torsion serve: maxBandwidth: /],
      ['expireViewers: sometimes', /^torsion serve: expireViewers: /],
      ['bogusKey: 1', /^torsion serve: bogusKey: unknown setting/],
      ['port: [', /^torsion serve: .*bad-\d+\.yaml: cannot be parsed/],
      // Not an object at all: the message is clear but names the field as '' (see docs/security.md, open issues).
      ['[1, 2]', /^torsion serve: .*must be an object/],
      ['"\\u0000\\u0001garbage"', /^torsion serve: .*must be an object/],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      const file = join(dir, `bad-${i}.yaml`);
      writeFileSync(file, `${text}\n`);
      const io = captureIO();
      const code = await serveCommand.run(['--config', file, '--port', '0'], io);
      expect(code, `${text}: ${io.err()}`).toBe(2);
      expect(io.err(), text).toMatch(message);
      expect(io.err(), text).not.toMatch(/\n\s+at /); // a message, not a stack trace
    }
    const io = captureIO();
    expect(await serveCommand.run(['--config', join(dir, 'missing.yaml')], io)).toBe(2);
    expect(io.err()).toMatch(/^torsion serve: .*missing\.yaml/);
  }, 30_000);

  it('serves the good user of a password file with broken lines and refuses the broken ones', async () => {
    const params = { N: 1024, r: 8, p: 1 };
    const alice = await hashPassword('alice-password', { params }).asPromise();
    const bob = await hashPassword('bob-password', { params }).asPromise();
    const [, , , , salt = '', hash = ''] = bob.split('$');
    const passwd = join(dir, 'broken.passwd');
    writeFileSync(passwd, [
      '# users',
      '',
      'no-colon-at-all',
      `:${alice}`,
      `alice:${alice}`,
      `alice:${bob}`, // a repeat: the first entry counts
      `bob:md5$${salt}$${hash}`,
      `carol:scrypt$1000$8$1$${salt}$${hash}`,
      `dave:scrypt$2097152$8$1$${salt}$${hash}`,
      `erin:scrypt$1024$8$1$!!!$${hash}`,
      `frank:scrypt$1024$8$1$${salt}`,
      `grace:scrypt$1024$8$1$${salt}$${hash.slice(0, 10)}`,
      'heidi:',
      `ivan :${bob}`,
      '\u0000\u0001\u0002',
      `${'x'.repeat(300)}:${bob}`,
    ].join('\n'));
    const { server, port } = await startServe(writeConfig(dir, { passwordFile: passwd }, 'passwd.json'));
    const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const request = (auth: string): string => `GET /live.webm HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\n\r\n`;
    try {
      const ok = await rawClient(port, { send: request(basic('alice', 'alice-password')), closeAfterBytes: 2000 });
      expect(ok.status).toBe(200);
      for (const user of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'no-colon-at-all', '']) {
        const r = await rawClient(port, { send: request(basic(user, 'bob-password')) });
        expect(r.status, user).toBe(401);
        expect(r.closedByServer, user).toBe(true);
      }
      await expectRefusedAndServing(server, port);
      expect(await server.stop(), server.stderr().slice(-3000)).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 60_000);
});
