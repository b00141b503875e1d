/**
 * `torsion serve [--config file] [--port N]`: runs the stream server (src/components/stream-server.ts)
 * on a GLib reactor until SIGINT/SIGTERM, then stops gracefully and exits 0. The port comes from
 * `--port`, else `PORT`, else the config, else 8800; the token secret from `TORSION_SECRET` (a
 * random one is made for the run when unset, and the printed URLs carry tokens signed with it).
 * Tests: test/cli/serve.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command, CommandIO } from '../command';
import { parseServerConfig, parseServerConfigText, type ServerConfig } from '../../components/config';
import { serverBanner } from '../../components/banner';
import type { Component } from '../../components/component';
import { StreamServer } from '../../components/stream-server';
import { getLogger } from '../../log';
import { checkFdLimit } from '../fd-limit';
import { anchoredClock, secretBytes } from '../../protocols/index';
import { GLibReactor } from '../../reactor/index';

const HELP = `Usage: torsion serve [--config <file>] [--port <n>] [--host <address>]

Serves a live test source as authenticated HTTP streams — by default /live.webm (VP8 + Vorbis)
and /live.ogg (Theora + Vorbis) — with a status page at /, /stats (JSON) and /metrics
(Prometheus). Viewers need a token (?token=, see \`torsion token\`) or, with a password file,
HTTP Basic credentials. Stops cleanly on SIGINT/SIGTERM (exit 0). SIGHUP re-reads the config
file and the password file: viewer limits, bandwidth and redirects change for the next viewers;
changes to the source, mounts, ports or encodings are logged as needing a restart.

Options:
  --config <file>     a JSON or YAML configuration file (docs/config.md); none is needed
  --port <n>          HTTP port (default: PORT, else the config, else 8800; 0 picks a free one)
  --host <address>    address to listen on (default: the config, else 127.0.0.1)
  --check             validate the configuration, print it as JSON, and exit
  -h, --help          show this help

Environment: TORSION_SECRET (token secret, at least 16 bytes; random when unset), PORT,
TORSION_SOURCE_PASSWORD (the producers' password with source.type ingest), TORSION_FEED_SECRET
(the secret shared with other servers for GDP feeds: feeds, source.type feed or relay), TORSION_LOG_LEVEL
(debug, info, warn, error, silent).

Exit status: 0 after a clean stop; 1 when the server cannot start; 2 for a usage or config error.
`;

interface Options {
  config: string | null;
  port: number | null;
  host: string | null;
  check: boolean;
}

function parsePort(value: string, what: string): number | string {
  const n = /^[0-9]{1,5}$/.test(value) ? Number(value) : NaN;
  return n >= 0 && n <= 65535 ? n : `${what} needs a port number from 0 to 65535, got '${value}'`;
}

function parseArgs(argv: readonly string[]): Options | string {
  const o: Options = { config: null, port: null, host: null, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--check') { o.check = true; continue; }
    if (a !== '--config' && a !== '--port' && a !== '--host') return `unknown argument '${a}'`;
    const value = argv[++i];
    if (value === undefined) return `${a} needs a value`;
    if (a === '--config') o.config = value;
    else if (a === '--host') o.host = value;
    else {
      const p = parsePort(value, '--port');
      if (typeof p === 'string') return p;
      o.port = p;
    }
  }
  return o;
}

/** Reads and validates the configuration with the command-line and environment overrides. */
export function loadServeConfig(o: { config: string | null; port: number | null; host: string | null }, env: CommandIO['env']): ServerConfig {
  const base = o.config === null ? parseServerConfig(undefined) : parseServerConfigText(readFileSync(o.config, 'utf8'), o.config);
  let port = base.port;
  const envPort = env['PORT'];
  if (o.port !== null) port = o.port;
  else if (envPort !== undefined && envPort !== '') {
    const p = parsePort(envPort, 'PORT');
    if (typeof p === 'string') throw new RangeError(p);
    port = p;
  }
  const sourcePassword = env['TORSION_SOURCE_PASSWORD'];
  const source = base.source.password === null && sourcePassword !== undefined && sourcePassword !== ''
    ? { ...base.source, password: sourcePassword } : base.source;
  return { ...base, port, host: o.host ?? base.host, source };
}

/**
 * Runs a stream server until the reactor stops (SIGINT/SIGTERM): the body of `torsion serve` and
 * `torsion launch`. Resolves to the exit code: 0 after a clean stop, 1 if it could not start.
 * On SIGHUP it applies `reread()` (the config file again) with {@link StreamServer.reload}; a
 * config that does not read or validate is logged and the running settings stay. Without
 * `reread`, SIGHUP re-reads the password file only.
 */
export async function runStreamServer(io: CommandIO, config: ServerConfig, command: string, components?: readonly Component[],
  reread?: () => ServerConfig): Promise<number> {
  const given = io.env['TORSION_SECRET'];
  const secret = given === undefined || given === '' ? randomBytes(24).toString('base64url') : given;
  try {
    secretBytes(secret);
  } catch (error) {
    io.stderr.write(`torsion ${command}: TORSION_SECRET: ${(error as Error).message}\n`);
    return 1;
  }
  checkFdLimit(components === undefined ? viewerCapacity(config) : 0);
  const reactor = new GLibReactor();
  const wallClock = anchoredClock(reactor, unixNow());
  const stopped = reactor.run().asPromise();
  let failed = false;
  const feedSecret = io.env['TORSION_FEED_SECRET'];
  await StreamServer.start({ config, reactor, secret, wallClock, ...(components === undefined ? {} : { components }),
    ...(feedSecret === undefined || feedSecret === '' ? {} : { feedSecret }) }).asPromise().then(
    (server) => {
      io.stdout.write(serverBanner(server, config.host, process.pid, given !== undefined && given !== ''));
      // SIGHUP re-reads the configuration, as daemons do; what fails to read or apply is logged
      // and the running settings stay (a failed password file read keeps the previous users).
      if (reread !== undefined || config.passwordFile !== null) {
        const reload = (): void => {
          if (reread === undefined) {
            server.reloadPasswordFile().addErrback(() => null);
            return;
          }
          let next: ServerConfig;
          try {
            next = reread();
          } catch (error) {
            getLogger().error('config reload failed: the running settings stay', { error: error instanceof Error ? error.message : String(error) });
            return;
          }
          server.reload(next).addCallbacks((done) => {
            checkFdLimit(viewerCapacity(server.config));
            return done;
          }, () => null); // reload() logged why
        };
        process.on('SIGHUP', reload);
        reactor.addSystemEventTrigger('before', 'shutdown', () => { process.off('SIGHUP', reload); });
      }
    },
    (error: unknown) => {
      failed = true;
      getLogger().error('the stream server failed to start', { error });
      io.stderr.write(`torsion ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
      // A failure found before the loop got going (e.g. a missing password file) must still stop it.
      reactor.callWhenRunning(() => { if (reactor.running) reactor.stop(); });
    });
  await stopped;
  io.stdout.write('stopped\n');
  return failed ? 1 : 0;
}

/** The most viewers the mounts admit at once: each holds an fd. */
function viewerCapacity(config: ServerConfig): number {
  return config.mounts.reduce((n, m) => n + m.maxViewers, 0);
}

/** Unix time now: the CLI is where the wall clock enters (tokens carry Unix time). */
function unixNow(): number {
  // eslint-disable-next-line no-restricted-globals -- token expiry is absolute wall-clock time, shared with `torsion token`
  return Date.now() / 1000;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the authenticated stream server (test source → /live.webm, /live.ogg)',
  async run(argv: readonly string[], io: CommandIO): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout.write(HELP);
      return 0;
    }
    const o = parseArgs(argv);
    if (typeof o === 'string') {
      io.stderr.write(`torsion serve: ${o}\n\n${HELP}`);
      return 2;
    }
    let config: ServerConfig;
    try {
      config = loadServeConfig(o, io.env);
    } catch (error) {
      io.stderr.write(`torsion serve: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
    if (o.check) {
      const shown = config.source.password === null ? config : { ...config, source: { ...config.source, password: '(set)' } };
      io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      return 0;
    }
    return runStreamServer(io, config, 'serve', undefined, () => loadServeConfig(o, io.env));
  },
};
