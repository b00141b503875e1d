/**
 * `PasswordFileBouncer`: judges `UsernamePasswordKeycard`s against a password file (format in
 * password-file.ts). The file is read with `node:fs` when the bouncer is constructed (a missing or
 * unreadable file throws: fail at startup) and again on `reload()` (asynchronous; on a read error
 * the previous users stay). Broken lines are logged as warnings with their `PasswordFileError` and
 * skipped, so one typo does not lock every user out; `errors` lists them. An unknown user costs
 * one scrypt run like a known one, so timing does not tell which users exist.
 * Tests: test/protocols/auth/password-file-bouncer.test.ts.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Deferred, fail } from '../../defer/deferred';
import { getLogger } from '../../log';
import {
  AuthMissingCredentials, AuthUnsupportedKeycard, AuthWrongCredentials, type PasswordFileError,
} from '../errors';
import type { AuthResult, Bouncer } from './bouncer';
import type { Keycard } from './keycards';
import { parsePasswordFile, verifyPassword, type PasswordEntry } from './password-file';
import { DEFAULT_SCRYPT_PARAMS } from './scrypt';

/** What a (re)load found. */
export interface PasswordFileLoad {
  readonly users: number;
  readonly errors: readonly PasswordFileError[];
}

export class PasswordFileBouncer implements Bouncer {
  private entries: ReadonlyMap<string, PasswordEntry> = new Map();
  private loadErrors: readonly PasswordFileError[] = [];
  private dummy: Pick<PasswordEntry, 'params' | 'salt' | 'hash'> = {
    params: DEFAULT_SCRYPT_PARAMS, salt: Buffer.alloc(16, 0x5a), hash: Buffer.alloc(32, 0xa5),
  };

  /** Reads `path` now; throws Node's error if it cannot be read. */
  constructor(readonly path: string) {
    this.apply(readFileSync(path, 'utf8'));
  }

  /** Number of usable users. */
  get users(): number {
    return this.entries.size;
  }

  /** The broken lines of the last successful load. */
  get errors(): readonly PasswordFileError[] {
    return this.loadErrors;
  }

  /** Re-reads the file; fails with Node's error (keeping the previous users) if it cannot be read. */
  reload(): Deferred<PasswordFileLoad> {
    return Deferred.fromPromise(readFile(this.path, 'utf8')).addCallback((text: string) => this.apply(text));
  }

  authenticate(keycard: Keycard): Deferred<AuthResult> {
    if (keycard.kind !== 'username-password') {
      return fail(new AuthUnsupportedKeycard(`the password file bouncer does not judge ${keycard.kind} keycards`));
    }
    if (keycard.username === '' || keycard.password === '') {
      return fail(new AuthMissingCredentials('a user name and a password are required'));
    }
    const entry = this.entries.get(keycard.username);
    return verifyPassword(entry ?? this.dummy, keycard.password).addCallback((ok: boolean): AuthResult => {
      if (!ok || entry === undefined) throw new AuthWrongCredentials('wrong user name or password');
      return { identity: entry.username, expiresAt: null, keycard };
    });
  }

  private apply(text: string): PasswordFileLoad {
    const { entries, errors } = parsePasswordFile(text, this.path);
    for (const error of errors) getLogger().warn('skipping a broken password file line', { error });
    this.entries = entries;
    this.loadErrors = errors;
    const first = entries.values().next();
    if (!first.done) this.dummy = { params: first.value.params, salt: Buffer.alloc(16, 0x5a), hash: Buffer.alloc(first.value.hash.length, 0xa5) };
    return { users: entries.size, errors };
  }
}
