/**
 * Every error code in src/ is stable, unique, has the TORSION_ERR_ prefix and is listed in
 * docs/errors.md (STYLE.md rule 7).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConnectionDone, ConnectionLost, TorsionError, isTorsionError } from '../src/errors';

const root = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function declaredCodes(): Array<{ file: string; cls: string; code: string }> {
  const found: Array<{ file: string; cls: string; code: string }> = [];
  for (const file of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const re = /class\s+(\w+)\s+extends\s+\w+[^{]*\{[^}]*?readonly\s+code\s*(?::\s*string)?\s*=\s*'([^']+)'/g;
    for (const m of text.matchAll(re)) found.push({ file, cls: m[1] as string, code: m[2] as string });
  }
  return found;
}

describe('error hierarchy', () => {
  it('gives every error a name, a code and the TorsionError base', () => {
    const done = new ConnectionDone();
    const lost = new ConnectionLost('reset', { cause: new Error('ECONNRESET') });
    expect(done).toBeInstanceOf(TorsionError);
    expect(done.name).toBe('ConnectionDone');
    expect(done.code).toBe('TORSION_ERR_CONNECTION_DONE');
    expect(lost.code).toBe('TORSION_ERR_CONNECTION_LOST');
    expect((lost.cause as Error).message).toBe('ECONNRESET');
    expect(isTorsionError(lost)).toBe(true);
    expect(isTorsionError(new Error('x'))).toBe(false);
  });

  it('lists every declared code in docs/errors.md, once per class, all unique', () => {
    const docs = readFileSync(join(root, 'docs/errors.md'), 'utf8');
    const codes = declaredCodes();
    expect(codes.length).toBeGreaterThan(3);
    const seen = new Map<string, string>();
    for (const { cls, code } of codes) {
      expect(code).toMatch(/^TORSION_ERR_[A-Z0-9_]+$/);
      expect(seen.get(code) ?? cls, `${code} is used by both ${seen.get(code)} and ${cls}`).toBe(cls);
      seen.set(code, cls);
      expect(docs, `docs/errors.md lacks ${code} (${cls})`).toContain(`\`${code}\``);
    }
  });
});
