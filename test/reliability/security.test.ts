/**
 * Security checks against a real `torsion serve` (HTTP and HTTPS, tokens and a password file):
 *  - secrets never logged: with debug logging, while good and bad tokens and passwords are used,
 *    neither TORSION_SECRET, nor a password, nor a token signature, nor the Basic credentials
 *    appear on the server's standard error;
 *  - `torsion passwd` stores scrypt hashes with a random 16-byte salt per user (two users with
 *    the same password get different salts and hashes) at the default cost N = 2^15, in a file
 *    of mode 0600;
 *  - TLS 1.2+ only: a TLS 1.0/1.1 client is refused, TLS 1.2 and 1.3 clients get HTTP answers;
 *  - no path traversal: there is no file-serving route (`/etc/passwd`, `/package.json`, `//`,
 *    `%2e%2e` and `%2f` paths are 404), dot segments resolve inside the URL and the token is
 *    checked against the resolved path, so a token for one path or directory never opens another;
 *  - `/`, `/stats` and `/metrics` require credentials, and a token scoped to a mount does not
 *    open them;
 *  - tokens are bound to their path and their expiry (see also bad-input.test.ts).
 * The constant-time comparison is checked in constant-time.test.ts.
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwdCommand } from '../../src/cli/commands/passwd';
import { mintToken } from '../../src/protocols/index';
import { captureIO } from '../cli/io';
import { freePort, run } from '../components/helpers/serve';
import { SECRET, get, rawClient, startServe, tempDir, token, unixNow, writeConfig, type ServeProcess } from './helpers';

const dir = tempDir('torsion-security-');
const PASSWORD = 'correct horse battery staple';
let server: ServeProcess;
let port: number;
let tlsPort: number;

async function addUser(file: string, user: string, password: string, cost?: number): Promise<void> {
  const io = captureIO(`${password}\n`);
  const args = ['--file', file, '--password-stdin', ...(cost === undefined ? [] : ['--cost', String(cost)]), user];
  expect(await passwdCommand.run(args, io), io.err()).toBe(0);
}

beforeAll(async () => {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], 30_000);
  expect(made.code, made.stderr).toBe(0);
  const passwd = join(dir, 'viewers.passwd');
  await addUser(passwd, 'alice', PASSWORD, 10);
  tlsPort = await freePort();
  ({ server, port } = await startServe(writeConfig(dir, { mounts: [{ path: '/live.webm' }, { path: '/live.ogg' }], passwordFile: passwd,
    tls: { port: tlsPort, cert, key } }), { TORSION_LOG_LEVEL: 'debug' }));
}, 60_000);

afterAll(async () => {
  if (server !== undefined && server.child.exitCode === null) {
    if (await server.stop() === 'hung') server.child.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
});

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const withAuth = (path: string, auth: string): string => `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\n\r\n`;

describe('security checks against torsion serve', () => {
  it('never logs the secret, passwords, token signatures or Basic credentials', async () => {
    const good = token('/live.webm', 600);
    const wrongSig = `${good.split('.')[0]}.${'A'.repeat(43)}`;
    const expired = mintToken(SECRET, '/live.webm', unixNow() - 10);
    const wrongPassword = 'Tr0ub4dor&3-not-it';
    const results = [
      await rawClient(port, { send: get(`/live.webm?token=${good}`), closeAfterBytes: 2000 }),
      await rawClient(port, { send: get(`/live.webm?token=${wrongSig}`) }),
      await rawClient(port, { send: get(`/live.webm?token=${expired}`) }),
      await rawClient(port, { send: get(`/live.ogg?token=${good}`) }),
      await rawClient(port, { send: withAuth('/live.webm', basic('alice', PASSWORD)), closeAfterBytes: 2000 }),
      await rawClient(port, { send: withAuth('/live.webm', basic('alice', wrongPassword)) }),
      await rawClient(port, { send: withAuth('/stats', basic('alice', PASSWORD)) }),
      await rawClient(port, { send: withAuth('/metrics', basic('mallory', wrongPassword)) }),
    ];
    expect(results.map((r) => r.status)).toEqual([200, 401, 403, 403, 200, 401, 200, 401]);
    // Wait for the hand-off and refusal logs to be written (the debug line of the last refusal).
    await server.waitForStderr(/viewer added[\s\S]*viewer added/, 10_000);
    const log = server.stderr();
    expect(log.length).toBeGreaterThan(0);
    const secrets = [SECRET, PASSWORD, wrongPassword, good.split('.')[1] as string, wrongSig.split('.')[1] as string, expired.split('.')[1] as string,
      basic('alice', PASSWORD).slice(6), basic('alice', wrongPassword).slice(6), Buffer.from(SECRET).toString('base64')];
    for (const s of secrets) expect(log.includes(s), `stderr contains a secret: ${s.slice(0, 6)}…`).toBe(false);
  }, 30_000);

  it('stores scrypt hashes with a random 16-byte salt per user at the default cost', async () => {
    const file = join(dir, 'salts.passwd');
    await addUser(file, 'u1', 'same password');
    await addUser(file, 'u2', 'same password');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines).toHaveLength(2);
    const parsed = lines.map((l) => {
      const m = /^([^:]+):scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(l);
      expect(m, l).not.toBeNull();
      const [, user, N, r, p, salt, hash] = m as RegExpExecArray;
      return { user, N: Number(N), r: Number(r), p: Number(p), salt: Buffer.from(salt as string, 'base64url'), hash: Buffer.from(hash as string, 'base64url') };
    });
    for (const e of parsed) {
      expect(e.N).toBe(32768);
      expect(e.r).toBeGreaterThanOrEqual(8);
      expect(e.salt).toHaveLength(16);
      expect(e.hash).toHaveLength(32);
      expect(readFileSync(file, 'utf8')).not.toContain('same password');
    }
    const [a, b] = parsed as [typeof parsed[0], typeof parsed[0]];
    expect(a.salt.equals(b.salt)).toBe(false);
    expect(a.hash.equals(b.hash)).toBe(false);
  }, 30_000);

  it('accepts TLS 1.2 and 1.3 only', async () => {
    const attempt = (o: tls.ConnectionOptions): Promise<{ version: string | null; status: number | null; error: string | null }> => new Promise((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: tlsPort, rejectUnauthorized: false, ...o });
      let data = '';
      let version: string | null = null;
      const timer = setTimeout(() => { s.destroy(); resolve({ version: null, status: null, error: 'timeout' }); }, 10_000);
      s.on('secureConnect', () => { version = s.getProtocol(); s.write('GET /stats HTTP/1.1\r\nHost: x\r\n\r\n'); });
      s.on('data', (c: Buffer) => { data += c.toString('latin1'); });
      s.on('error', (e) => { clearTimeout(timer); resolve({ version: null, status: null, error: e.message }); });
      s.on('close', () => {
        clearTimeout(timer);
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
        resolve({ version, status: m === null ? null : Number(m[1]), error: null });
      });
    });
    // Old protocols need the client's security level lowered to be offered at all.
    for (const v of ['TLSv1', 'TLSv1.1'] as const) {
      const r = await attempt({ minVersion: v, maxVersion: v, ciphers: 'DEFAULT@SECLEVEL=0' });
      expect(r.status, `${v}: ${JSON.stringify(r)}`).toBeNull();
      expect(r.error, v).not.toBeNull();
    }
    for (const v of ['TLSv1.2', 'TLSv1.3'] as const) {
      const r = await attempt({ minVersion: v, maxVersion: v });
      expect(r, v).toMatchObject({ status: 401, error: null });
    }
  }, 30_000);

  it('has no path traversal: dot segments and encoded slashes are refused, scopes hold', async () => {
    const all = token('/', 600);
    const webm = token('/live.webm', 600);
    const dirToken = token('/a/', 600);
    // [path, token, status]: dot segments resolve inside the URL (`/../live.webm` is `/live.webm`),
    // and the token is checked against the resolved path, so no scope can be escaped.
    const cases: ReadonlyArray<[string, string, number]> = [
      ['/../live.webm', all, 200], ['/%6c%69%76%65.webm', webm, 200], ['/live%2ewebm', webm, 200],
      ['/../../../../etc/passwd', all, 404], ['/%2e%2e/%2e%2e/etc/passwd', all, 404], ['/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', all, 404],
      ['/..%2f..%2fetc%2fpasswd', all, 404], ['//etc/passwd', all, 404], ['/etc/passwd', all, 404], ['/src/cli/main.ts', all, 404],
      ['/package.json', all, 404], ['/proc/self/environ', all, 404], ['/LIVE.WEBM', all, 404], ['/live.webm;x', all, 404],
      ['/live.webm/../live.ogg', webm, 403], ['/live.webm/%2e%2e/live.ogg', webm, 403], ['/./live.ogg', webm, 403],
      ['/a/../live.webm', dirToken, 403], ['/a/%2e%2e/live.webm', dirToken, 403], ['/a/./../live.ogg', dirToken, 403],
      ['/a/..%2flive.webm', dirToken, 404], ['/stats/../live.webm', token('/stats', 600), 403],
      ['/live.webm%00.ogg', webm, 404], ['/live.webm/', webm, 404],
    ];
    for (const [path, t, status] of cases) {
      const r = await rawClient(port, { send: get(`${path}?token=${t}`), closeAfterBytes: 3000 });
      expect(r.status, `${path}: ${JSON.stringify(r)}`).toBe(status);
    }
  }, 30_000);

  it('requires credentials for /, /stats and /metrics, and a mount token does not open them', async () => {
    const webm = token('/live.webm', 600);
    for (const path of ['/', '/stats', '/metrics']) {
      expect((await rawClient(port, { send: get(path) })).status, path).toBe(401);
      expect((await rawClient(port, { send: get(`${path}?token=${webm}`) })).status, path).toBe(403);
      expect((await rawClient(port, { send: withAuth(path, basic('alice', 'nope')) })).status, path).toBe(401);
      expect((await rawClient(port, { send: get(`${path}?token=${token(path, 600)}`) })).status, path).toBe(200);
    }
    // Over HTTPS too.
    const r = await fetchInsecure(`/metrics`);
    expect(r).toBe(401);
  }, 30_000);

  it('binds tokens to their path and expiry: a path-scoped token opens only its path, only until it expires', async () => {
    const webm = token('/live.webm', 600);
    expect((await rawClient(port, { send: get(`/live.webm?token=${webm}`), closeAfterBytes: 2000 })).status).toBe(200);
    expect((await rawClient(port, { send: get(`/live.ogg?token=${webm}`) })).status).toBe(403);
    expect((await rawClient(port, { send: get(`/live.webm?token=${mintToken(SECRET, '/live.webm', unixNow() - 1)}`) })).status).toBe(403);
    const dirToken = mintToken(SECRET, '/live.webm/', unixNow() + 600);
    expect((await rawClient(port, { send: get(`/live.webm?token=${dirToken}`) })).status).toBe(403);
  }, 30_000);
});

/** GET `path` over HTTPS without credentials; the status. */
function fetchInsecure(path: string): Promise<number | null> {
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port: tlsPort, rejectUnauthorized: false }, () => s.write(get(path)));
    let data = '';
    const timer = setTimeout(() => { s.destroy(); resolve(null); }, 10_000);
    s.on('data', (c: Buffer) => { data += c.toString('latin1'); });
    s.on('error', () => undefined);
    s.on('close', () => { clearTimeout(timer); const m = /^HTTP\/1\.[01] (\d{3})/.exec(data); resolve(m === null ? null : Number(m[1])); });
  });
}

