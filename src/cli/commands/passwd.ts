/**
 * `torsion passwd [--file F] <user>`: adds a user to a password file (format in
 * src/protocols/auth/password-file.ts) or replaces the user's password; `--delete` removes the user.
 * The password is the first line of standard input; on a terminal it is prompted for with echo
 * off. Other lines (comments, other users, even broken lines) are kept as they are; the file is
 * written to a temporary file and renamed over the old one, mode 0600 when new.
 * Tests: test/cli/passwd.test.ts.
 */
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Command, CommandIO } from '../command';
import { formatPasswordLine, hashPassword, usernameProblem } from '../../protocols/index';

const HELP = `Usage: torsion passwd [options] <user>

Adds <user> to a password file, or replaces their password. The password is read from the first
line of standard input (prompted for, without echo, when standard input is a terminal):

  printf '%s\\n' "$PASSWORD" | torsion passwd --file users.passwd --password-stdin alice

Each line of the file is user:scrypt$N$r$p$salt$hash (scrypt with a random 16-byte salt per user).

Options:
  --file <path>        the password file (default: torsion.passwd); created with mode 0600
  --password-stdin     read the password from standard input without prompting
  --delete             remove <user> instead (no password is read)
  --cost <n>           scrypt cost as log2(N), 10 to 20 (default 15)
  -h, --help           show this help

Exit status: 0 on success; 1 when the file cannot be read or written, the password is empty, or
--delete names an unknown user; 2 for a usage error.
`;

interface Options {
  file: string;
  user: string;
  delete: boolean;
  promptless: boolean;
  logN: number;
}

function parseArgs(argv: readonly string[]): Options | string {
  const o: Options = { file: 'torsion.passwd', user: '', delete: false, promptless: false, logN: 15 };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--delete') o.delete = true;
    else if (a === '--password-stdin') o.promptless = true;
    else if (a === '--file' || a === '--cost') {
      const value = argv[++i];
      if (value === undefined) return `${a} needs a value`;
      if (a === '--file') o.file = value;
      else {
        o.logN = /^[0-9]{2}$/.test(value) ? Number(value) : NaN;
        if (!(o.logN >= 10 && o.logN <= 20)) return '--cost needs an integer from 10 to 20';
      }
    } else if (a.startsWith('-') && a !== '-') return `unknown option '${a}'`;
    else positional.push(a);
  }
  if (positional.length !== 1) return 'give exactly one user name';
  o.user = positional[0] as string;
  const problem = usernameProblem(o.user);
  return problem === null ? o : problem;
}

/** The user a file line defines, or null for comments, blanks and lines without a colon. */
function lineUser(line: string): string | null {
  const t = line.trim();
  if (t === '' || t.startsWith('#')) return null;
  const colon = t.indexOf(':');
  return colon === -1 ? null : t.slice(0, colon);
}

/** Reads the first line of a non-terminal stream (without its line ending). */
async function firstLine(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    if (chunks[chunks.length - 1]?.includes(0x0a) === true) break;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).replace(/\r$/, '');
}

/** A terminal stream, as far as this command needs one. */
interface Terminal extends Readable {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** Prompts on stderr and reads one line from a terminal with echo off (raw mode). */
function promptHidden(io: CommandIO, prompt: string): Promise<string> {
  const tty = io.stdin as Terminal;
  io.stderr.write(prompt);
  tty.setRawMode?.(true);
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error: Error | null): void => {
      tty.off('data', onData);
      tty.setRawMode?.(false);
      tty.pause();
      io.stderr.write('\n');
      if (error === null) resolve(typed);
      else reject(error);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(null);
        if (ch === '\u0003') return finish(new Error('interrupted'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    tty.on('data', onData);
    tty.resume();
  });
}

async function readPassword(io: CommandIO, o: Options): Promise<string> {
  const tty = io.stdin as Terminal;
  if (tty.isTTY !== true || o.promptless) return firstLine(io.stdin);
  const first = await promptHidden(io, `Password for ${o.user}: `);
  const again = await promptHidden(io, 'Again: ');
  if (first !== again) throw new Error('the passwords do not match');
  return first;
}

async function readLines(file: string): Promise<{ lines: string[]; mode: number }> {
  try {
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return { lines, mode: info.mode & 0o777 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], mode: 0o600 };
    throw error;
  }
}

async function writeLines(file: string, lines: readonly string[], mode: number): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}`;
  await writeFile(temporary, lines.map((l) => `${l}\n`).join(''), { mode, flag: 'wx' });
  await rename(temporary, file);
}

async function execute(o: Options, io: CommandIO): Promise<number> {
  const { lines, mode } = await readLines(o.file);
  const kept = lines.filter((l) => lineUser(l) !== o.user);
  if (o.delete) {
    if (kept.length === lines.length) {
      io.stderr.write(`torsion passwd: no user ${o.user} in ${o.file}\n`);
      return 1;
    }
    await writeLines(o.file, kept, mode);
    io.stderr.write(`deleted ${o.user} from ${o.file}\n`);
    return 0;
  }
  const password = await readPassword(io, o);
  if (password === '') {
    io.stderr.write('torsion passwd: refusing an empty password\n');
    return 1;
  }
  const line = formatPasswordLine(o.user, await hashPassword(password, { params: { N: 2 ** o.logN, r: 8, p: 1 } }));
  const at = lines.findIndex((l) => lineUser(l) === o.user);
  const updated = at === -1 ? [...lines, line]
    : [...lines.slice(0, at), line, ...lines.slice(at + 1).filter((l) => lineUser(l) !== o.user)];
  await writeLines(o.file, updated, mode);
  io.stderr.write(`${at === -1 ? 'added' : 'updated'} ${o.user} in ${o.file}\n`);
  return 0;
}

export const passwdCommand: Command = {
  name: 'passwd',
  summary: 'add, update or delete a user in a scrypt password file',
  async run(argv: readonly string[], io: CommandIO): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout.write(HELP);
      return 0;
    }
    const o = parseArgs(argv);
    if (typeof o === 'string') {
      io.stderr.write(`torsion passwd: ${o}\n\n${HELP}`);
      return 2;
    }
    try {
      return await execute(o, io);
    } catch (error) {
      io.stderr.write(`torsion passwd: ${(error as Error).message}\n`);
      return 1;
    }
  },
};
