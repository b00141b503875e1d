/**
 * `npm start`: the stream server of `torsion serve`, with its defaults, on the built-in test source
 * — `/live.webm` (VP8 + Vorbis) and `/live.ogg` (Theora + Vorbis), a status page at `/`, `/stats`
 * and `/metrics` — and it prints where to look. Settings from the environment: PORT (default
 * 8800), HOST (default 127.0.0.1), TORSION_SECRET (the token secret; a random one is made when
 * unset), MAX_VIEWERS (default 1000 per mount), TORSION_LOG_LEVEL. With `--tls` (`npm start --
 * --tls`) or TORSION_TLS=1 it also opens an HTTPS port (TLS_PORT, default 8843) with a self-signed
 * certificate made for the run (self-signed.ts), deleted when the server stops.
 * Tests: test/examples/stream-server.test.ts, test/examples/stream-server-tls.test.ts,
 * test/examples/status-page-browser.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { GLibReactor, StreamServer, anchoredClock, parseServerConfig, serverBanner } from 'torsion';
import { makeSelfSignedCertificate, type SelfSignedCertificate } from './self-signed';

const given = process.env['TORSION_SECRET'];
const secret = given === undefined || given === '' ? randomBytes(24).toString('base64url') : given;
const wantTls = process.argv.slice(2).includes('--tls') || process.env['TORSION_TLS'] === '1';

let certificate: SelfSignedCertificate | null = null;
if (wantTls) {
  try {
    certificate = makeSelfSignedCertificate();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const made = certificate;
  process.on('exit', () => made.remove()); // also when the start fails
}

const config = parseServerConfig({
  port: Number(process.env['PORT'] ?? 8800),
  host: process.env['HOST'] ?? '127.0.0.1',
  maxViewers: Number(process.env['MAX_VIEWERS'] ?? 1000),
  ...(certificate === null ? {} : { tls: { port: Number(process.env['TLS_PORT'] ?? 8843), cert: certificate.cert, key: certificate.key } }),
});

const reactor = new GLibReactor();
const stopped = reactor.run().asPromise(); // SIGINT/SIGTERM stop it gracefully
const server = await StreamServer.start({ config, reactor, secret, wallClock: anchoredClock(reactor, Date.now() / 1000) }).asPromise()
  .catch((error: unknown) => {
    process.stderr.write(`stream server failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    reactor.stop();
    return null;
  });
if (server !== null && certificate !== null) {
  process.stdout.write(`Self-signed certificate for localhost and 127.0.0.1 (deleted on exit): ${certificate.cert}\n`
    + `  trust it for this run, e.g. curl --cacert ${certificate.cert} (browsers will warn)\n`);
}
if (server !== null) process.stdout.write(serverBanner(server, config.host, process.pid, secret === given));
await stopped;
certificate?.remove();
process.stdout.write('stopped\n');
if (server === null) process.exitCode = 1;
