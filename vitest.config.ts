import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string): string => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^torsion$/, replacement: src('index.ts') },
      { find: /^torsion\/(.*)$/, replacement: src('$1/index.ts') },
    ],
  },
  test: {
    // PITFALLS 7: only forks; threads abort once a GLib loop runs.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});
