/**
 * A self-signed certificate for CN=localhost (EC P-256, made with openssl at test time), and a
 * Node TLS server on 127.0.0.1 whose handshaken sockets are given to the test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import { Deferred } from '../../../src/defer/deferred';
import { Viewer } from './net';

export interface Certificate { readonly key: string; readonly cert: string }

export function makeCertificate(): Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'torsion-gst-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-subj', '/CN=localhost', '-days', '2', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A TLS server handing each handshaken socket to the test, and TLS viewers connecting to it. */
export class TlsServer {
  private readonly server: Server;
  private readonly pending: Array<Deferred<TLSSocket>> = [];
  readonly ready = new Deferred<void>();
  constructor(cert: Certificate) {
    this.server = createServer({ key: cert.key, cert: cert.cert }, (s) => { this.pending.shift()?.callback(s); });
    this.server.listen(0, '127.0.0.1', () => this.ready.callback(undefined));
  }
  get port(): number { return (this.server.address() as { port: number }).port; }
  async connect(): Promise<{ viewer: Viewer; server: TLSSocket }> {
    await this.ready;
    const accepted = new Deferred<TLSSocket>();
    this.pending.push(accepted);
    const sock = connect({ port: this.port, host: '127.0.0.1', rejectUnauthorized: false });
    const viewer = new Viewer(sock);
    return { viewer, server: await accepted };
  }
  close(): Promise<void> { return new Promise((resolve) => this.server.close(() => resolve())); }
}
