/** Shared fixtures for the auth tests: cheap scrypt cost, temp dirs, addresses. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Address } from '../../../src/reactor/interfaces/address';
import type { ScryptParams } from '../../../src/protocols/auth/scrypt';

/** Low scrypt cost so tests stay fast (the default is N = 2^15). */
export const TEST_SCRYPT: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };

export const SECRET = 'a test secret of more than sixteen bytes';

export const tcp = (host: string, port = 40000): Address => ({ type: 'TCP', family: host.includes(':') ? 'IPv6' : 'IPv4', host, port });

/** A fresh temp directory and a function removing it. */
export function tempDir(): { dir: string; path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'torsion-auth-'));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The error an awaited Deferred failed with (fails the test if it succeeded). */
export async function failureOf(d: PromiseLike<unknown>): Promise<Error> {
  try {
    await d;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the Deferred to fail');
}
