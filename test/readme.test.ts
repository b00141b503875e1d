/**
 * The README's example runs and prints what its `// → …` comments say (STYLE.md rule 12).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function examples(markdown: string): string[] {
  return [...markdown.matchAll(/<!-- readme-example[^>]*-->\s*```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

describe('README', () => {
  const blocks = examples(readFileSync(join(root, 'README.md'), 'utf8'));

  it('has a tested example of at most 20 lines', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    expect((blocks[0] as string).trim().split('\n').length).toBeLessThanOrEqual(20);
  });

  it.each(blocks.map((b, i) => [i, b] as const))('example %i prints what it promises', async (_i, code) => {
    const expected = [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => (m[1] as string).trim());
    // Run inside the repository so the `torsion/*` imports resolve to src/ through tsconfig paths.
    const dir = mkdtempSync(join(root, 'test', '.readme-'));
    try {
      const file = join(dir, 'example.ts');
      writeFileSync(file, code);
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['--import', 'tsx', file], { cwd: root, timeout: 30_000 },
          (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)));
      });
      expect(stdout.trim().split('\n').map((l) => l.trim())).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
