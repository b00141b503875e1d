/**
 * The three stream endpoint kinds the transport suites run over (TCP, UNIX, TLS): how to listen and
 * connect on a reactor, with a self-signed certificate made at test time for TLS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deferred } from '../../src/defer/deferred';
import type { ClientFactory, Factory } from '../../src/reactor/interfaces/protocol';
import type { Connector, ListeningPort, Reactor } from '../../src/reactor/interfaces/reactor';

export interface Endpoint {
  readonly kind: 'tcp' | 'unix' | 'tls';
  listen(reactor: Reactor, factory: Factory): Deferred<ListeningPort>;
  connect(reactor: Reactor, port: ListeningPort, factory: ClientFactory): Connector;
}

let counter = 0;
export function unixPath(): string {
  return `\0torsion-test-${process.pid}-${counter++}`;
}

export const tcpEndpoint: Endpoint = {
  kind: 'tcp',
  listen: (reactor, factory) => reactor.listenTCP(0, factory, { interface: '127.0.0.1' }),
  connect: (reactor, port, factory) => {
    const host = port.getHost();
    if (host.type !== 'TCP') throw new Error('not TCP');
    return reactor.connectTCP('127.0.0.1', host.port, factory, { timeout: 5 });
  },
};

export const unixEndpoint: Endpoint = {
  kind: 'unix',
  listen: (reactor, factory) => reactor.listenUNIX(unixPath(), factory),
  connect: (reactor, port, factory) => {
    const host = port.getHost();
    if (host.type !== 'UNIX' || host.path === null) throw new Error('not UNIX');
    return reactor.connectUNIX(host.path, factory, { timeout: 5 });
  },
};

/** A certificate for CN=localhost, made with openssl in a temp dir (removed by `dispose`). */
export interface TestCertificate {
  readonly key: string;
  readonly cert: string;
  dispose(): void;
}

export function makeCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'torsion-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const key = readFileSync(join(dir, 'key.pem'), 'utf8');
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  rmSync(dir, { recursive: true, force: true });
  return { key, cert, dispose: () => undefined };
}

export function tlsEndpoint(certificate: () => TestCertificate): Endpoint {
  return {
    kind: 'tls',
    listen: (reactor, factory) => {
      const { key, cert } = certificate();
      return reactor.listenTLS(0, factory, { key, cert }, { interface: '127.0.0.1' });
    },
    connect: (reactor, port, factory) => {
      const host = port.getHost();
      if (host.type !== 'TCP') throw new Error('not TCP');
      return reactor.connectTLS('127.0.0.1', host.port, factory, { ca: certificate().cert, servername: 'localhost' }, { timeout: 5 });
    },
  };
}
