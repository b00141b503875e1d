/**
 * The password file format, one user per line:
 *
 *     # comment (blank lines are ignored too)
 *     alice:scrypt$32768$8$1$<salt>$<hash>
 *
 * `scrypt$N$r$p$salt$hash`: the cost parameters in decimal, then the salt (16 random bytes for new
 * entries) and the derived key (32 bytes) in unpadded base64url. User names are 1..255 characters
 * without `:`, whitespace or control characters. A line that does not parse gives a
 * `PasswordFileError` naming the line and is skipped; a repeated user name is an error on the later
 * line (the first entry counts). Tests: test/protocols/auth/password-file.test.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Deferred } from '../../defer/deferred';
import { fail } from '../../defer/deferred';
import { AuthConfigError, PasswordFileError } from '../errors';
import { constantTimeEqual } from './constant-time';
import { checkScryptParams, DEFAULT_SCRYPT_PARAMS, scryptDeferred, scryptParamsProblem, type ScryptParams } from './scrypt';

/** One user's stored hash. */
export interface PasswordEntry {
  readonly username: string;
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly hash: Buffer;
  /** 1-based line number in its file. */
  readonly line: number;
}

/** What {@link parsePasswordFile} found. */
export interface ParsedPasswordFile {
  readonly entries: ReadonlyMap<string, PasswordEntry>;
  readonly errors: readonly PasswordFileError[];
}

/** Options for {@link hashPassword}. */
export interface HashPasswordOptions {
  readonly params?: ScryptParams;
  /** Salt source (default `crypto.randomBytes`); tests may inject a fixed one. */
  readonly randomBytes?: (size: number) => Uint8Array;
}

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** Why `name` cannot be a user name, or null. */
export function usernameProblem(name: string): string | null {
  if (name.length === 0) return 'the user name is empty';
  if (name.length > 255) return 'the user name is longer than 255 characters';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[:\s\u0000-\u001f\u007f]/.test(name)) return 'the user name contains ":", whitespace or a control character';
  return null;
}

/** Hashes `password` with a fresh salt; fires with the `scrypt$N$r$p$salt$hash` text. */
export function hashPassword(password: string, options: HashPasswordOptions = {}): Deferred<string> {
  const params = options.params ?? DEFAULT_SCRYPT_PARAMS;
  try {
    checkScryptParams(params);
  } catch (error) {
    return fail(error);
  }
  const salt = Buffer.from((options.randomBytes ?? randomBytes)(SALT_BYTES));
  return scryptDeferred(password, salt, KEY_BYTES, params).addCallback((hash: Buffer) =>
    `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`);
}

/** One file line for `username` with the `hash` text from {@link hashPassword}. */
export function formatPasswordLine(username: string, hash: string): string {
  const problem = usernameProblem(username);
  if (problem !== null) throw new AuthConfigError(problem);
  return `${username}:${hash}`;
}

/** Parses one non-comment line; throws `PasswordFileError`. */
export function parsePasswordLine(text: string, source: string, line: number): PasswordEntry {
  const colon = text.indexOf(':');
  if (colon === -1) throw new PasswordFileError('expected user:scrypt$N$r$p$salt$hash', source, line);
  const username = text.slice(0, colon);
  const problem = usernameProblem(username);
  if (problem !== null) throw new PasswordFileError(problem, source, line);
  const fields = text.slice(colon + 1).split('$');
  if (fields.length !== 6 || fields[0] !== 'scrypt') {
    throw new PasswordFileError(`user ${username}: the hash is not scrypt$N$r$p$salt$hash`, source, line);
  }
  const [, n, r, p, salt, hash] = fields as [string, string, string, string, string, string];
  const numbers = [n, r, p].map((s) => (/^[0-9]{1,8}$/.test(s) ? Number(s) : NaN));
  const params: ScryptParams = { N: numbers[0] as number, r: numbers[1] as number, p: numbers[2] as number };
  const paramsProblem = scryptParamsProblem(params);
  if (paramsProblem !== null) throw new PasswordFileError(`user ${username}: ${paramsProblem}`, source, line);
  if (!B64URL.test(salt) || !B64URL.test(hash)) {
    throw new PasswordFileError(`user ${username}: salt and hash must be base64url`, source, line);
  }
  const saltBytes = Buffer.from(salt, 'base64url');
  const hashBytes = Buffer.from(hash, 'base64url');
  if (saltBytes.length < 8) throw new PasswordFileError(`user ${username}: the salt is shorter than 8 bytes`, source, line);
  if (hashBytes.length < 16 || hashBytes.length > 64) {
    throw new PasswordFileError(`user ${username}: the hash must be 16 to 64 bytes`, source, line);
  }
  return { username, params, salt: saltBytes, hash: hashBytes, line };
}

/** Parses a whole file; broken lines become errors, not exceptions. */
export function parsePasswordFile(text: string, source: string): ParsedPasswordFile {
  const entries = new Map<string, PasswordEntry>();
  const errors: PasswordFileError[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    try {
      const entry = parsePasswordLine(trimmed, source, index + 1);
      const earlier = entries.get(entry.username);
      if (earlier !== undefined) {
        errors.push(new PasswordFileError(`user ${entry.username} is already defined on line ${earlier.line}`, source, index + 1));
      } else {
        entries.set(entry.username, entry);
      }
    } catch (error) {
      if (!(error instanceof PasswordFileError)) throw error;
      errors.push(error);
    }
  });
  return { entries, errors };
}

/** Fires with true when `password` matches `entry` (constant-time comparison of the derived keys). */
export function verifyPassword(entry: Pick<PasswordEntry, 'params' | 'salt' | 'hash'>, password: string): Deferred<boolean> {
  return scryptDeferred(password, entry.salt, entry.hash.length, entry.params)
    .addCallback((derived: Buffer) => constantTimeEqual(derived, entry.hash));
}
