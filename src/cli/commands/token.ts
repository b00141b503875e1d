/**
 * `torsion token --path /live.webm --ttl 60`: mints an HMAC token (format in
 * src/protocols/auth/token.ts) with the secret from `TORSION_SECRET`, and prints it on stdout with
 * nothing else, so `TOKEN=$(torsion token …)` works. Tests: test/cli/token.test.ts.
 */
import type { Command, CommandIO } from '../command';
import { mintToken, secretBytes } from '../../protocols/index';

const HELP = `Usage: torsion token --path <path> (--ttl <seconds> | --expires-at <unix-seconds>)

Mints an HMAC-SHA256 token that lets its holder fetch <path> until it expires, and prints it on
standard output (nothing else). Append it to a stream URL as ?token=<token>.

The secret is read from the TORSION_SECRET environment variable (at least 16 bytes); the server
must use the same secret.

Options:
  --path <path>              the path the token covers; a path ending in / covers everything below it
  --ttl <seconds>            lifetime from now (a positive integer)
  --expires-at <seconds>     absolute expiry in Unix seconds (instead of --ttl)
  -h, --help                 show this help

Exit status: 0 on success; 1 when TORSION_SECRET is unset or too short; 2 for a usage error.
`;

interface Options {
  path: string;
  ttl: number | null;
  expiresAt: number | null;
}

function parseArgs(argv: readonly string[]): Options | string {
  const o: Options = { path: '', ttl: null, expiresAt: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = argv[i + 1];
    if (a === '--path' || a === '--ttl' || a === '--expires-at') {
      if (value === undefined) return `${a} needs a value`;
      i += 1;
      if (a === '--path') o.path = value;
      else {
        const n = /^[0-9]{1,15}$/.test(value) ? Number(value) : NaN;
        if (!Number.isSafeInteger(n) || (a === '--ttl' && n <= 0)) return `${a} needs a ${a === '--ttl' ? 'positive' : 'non-negative'} integer`;
        if (a === '--ttl') o.ttl = n;
        else o.expiresAt = n;
      }
    } else {
      return `unknown argument '${a}'`;
    }
  }
  if (o.path === '') return '--path is required';
  if (!o.path.startsWith('/')) return '--path must start with /';
  if ((o.ttl === null) === (o.expiresAt === null)) return 'give exactly one of --ttl and --expires-at';
  return o;
}

/** Unix time now. The CLI is the application edge where the wall clock enters (tokens carry Unix time). */
function unixNow(): number {
  // eslint-disable-next-line no-restricted-globals -- token expiry is absolute wall-clock time, shared between processes
  return Math.floor(Date.now() / 1000);
}

export const tokenCommand: Command = {
  name: 'token',
  summary: 'mint an HMAC token for a stream path (secret from TORSION_SECRET)',
  run(argv: readonly string[], io: CommandIO): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout.write(HELP);
      return Promise.resolve(0);
    }
    const o = parseArgs(argv);
    if (typeof o === 'string') {
      io.stderr.write(`torsion token: ${o}\n\n${HELP}`);
      return Promise.resolve(2);
    }
    const secret = io.env['TORSION_SECRET'];
    if (secret === undefined || secret === '') {
      io.stderr.write('torsion token: TORSION_SECRET is not set\n');
      return Promise.resolve(1);
    }
    try {
      secretBytes(secret);
    } catch (error) {
      io.stderr.write(`torsion token: TORSION_SECRET: ${(error as Error).message}\n`);
      return Promise.resolve(1);
    }
    const expiresAt = o.expiresAt ?? unixNow() + (o.ttl as number);
    let token: string;
    try {
      token = mintToken(secret, o.path, expiresAt);
    } catch (error) {
      io.stderr.write(`torsion token: ${(error as Error).message}\n`);
      return Promise.resolve(2);
    }
    io.stdout.write(`${token}\n`);
    return Promise.resolve(0);
  },
};
