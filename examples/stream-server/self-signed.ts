/**
 * A self-signed certificate for the demo's TLS port (`npm start -- --tls`): the `openssl` command
 * line tool (scripts/setup.sh installs it) makes a P-256 key and a certificate for the given names
 * (default `localhost` and `127.0.0.1`) in a private temporary directory (mode 0700, key 0600),
 * which `remove()` deletes. It runs once, before the server starts, so it simply waits for
 * openssl. Tests: test/examples/stream-server-tls.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and key made for this run. */
export interface SelfSignedCertificate {
  /** The private directory holding both files. */
  readonly dir: string;
  /** The PEM certificate (also what a client trusts: `curl --cacert <cert>`). */
  readonly cert: string;
  /** The PEM private key (mode 0600). */
  readonly key: string;
  /** Deletes the directory; safe to call more than once. */
  remove(): void;
}

/** Options of {@link makeSelfSignedCertificate}. */
export interface SelfSignedOptions {
  /** Host names and IP addresses the certificate is for (default `localhost`, `127.0.0.1`). */
  readonly names?: readonly string[];
  /** Days it stays valid (default 30). */
  readonly days?: number;
}

/** Makes a self-signed certificate and key; throws an Error naming what openssl said. */
export function makeSelfSignedCertificate(options: SelfSignedOptions = {}): SelfSignedCertificate {
  const names = options.names ?? ['localhost', '127.0.0.1'];
  const first = names[0];
  if (first === undefined || names.some((n) => !/^[A-Za-z0-9.:-]+$/.test(n))) {
    throw new Error(`a self-signed certificate needs host names or IP addresses, got ${JSON.stringify(names)}`);
  }
  const san = names.map((n) => (isIP(n) === 0 ? `DNS:${n}` : `IP:${n}`)).join(',');
  const dir = mkdtempSync(join(tmpdir(), 'torsion-tls-'));
  chmodSync(dir, 0o700);
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', String(options.days ?? 30), '-subj', `/CN=${first}`,
      '-addext', `subjectAltName=${san}`], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
    chmodSync(key, 0o600);
  } catch (error) {
    remove();
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
    const why = e.code === 'ENOENT' ? 'openssl is not installed (scripts/setup.sh installs it)'
      : (e.stderr?.toString().trim() || e.message);
    throw new Error(`cannot make a self-signed certificate: ${why}`, { cause: error });
  }
  return { dir, cert, key, remove };
}
