/**
 * Layers point down and nothing imports in a cycle (STYLE.md rule 10, ARCHITECTURE.md "Layers and
 * folders"). Reads every import in src/ and checks it against the table below.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src', import.meta.url));

/** Which layers each layer may import (besides itself). `errors` and `log` are the base. */
const allowed: Record<string, readonly string[]> = {
  errors: [],
  log: ['errors'],
  defer: ['errors', 'log'],
  gdp: ['errors'],
  reactor: ['defer', 'errors', 'log'],
  protocols: ['defer', 'reactor', 'errors', 'log'],
  testing: ['defer', 'reactor', 'protocols', 'errors', 'log'],
  gst: ['defer', 'reactor', 'protocols', 'gdp', 'errors', 'log'],
  components: ['defer', 'reactor', 'protocols', 'gdp', 'gst', 'errors', 'log'],
  cli: ['defer', 'reactor', 'protocols', 'gdp', 'gst', 'components', 'testing', 'errors', 'log'],
  index: ['defer', 'reactor', 'protocols', 'gdp', 'gst', 'components', 'testing', 'errors', 'log'],
};
/** Layers that must stay pure: no native module, no sockets, no files. */
const pure = new Set(['defer', 'gdp', 'errors', 'log']);
const impure = /^(?:node:)?(?:net|tls|dgram|fs|fs\/promises|child_process|cluster|http|https)$|^node-gtk$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function layerOf(file: string): string {
  const rel = relative(src, file).split(/[\\/]/);
  return rel.length === 1 ? (rel[0] as string).replace(/\.ts$/, '') : (rel[0] as string);
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)]
    .map((m) => (m[1] ?? m[2]) as string);
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    try { if (statSync(candidate).isFile()) return candidate; } catch { /* try next */ }
  }
  return undefined;
}

describe('layering', () => {
  const all = files(src);
  const graph = new Map(all.map((f) => [f, importsOf(f)] as const));

  it('every import points to an allowed lower layer', () => {
    const violations: string[] = [];
    for (const [file, specs] of graph) {
      const layer = layerOf(file);
      const may = allowed[layer];
      if (may === undefined) { violations.push(`${relative(src, file)}: unknown layer '${layer}'`); continue; }
      for (const spec of specs) {
        const target = resolveLocal(file, spec);
        if (target !== undefined) {
          const to = layerOf(target);
          if (to !== layer && !may.includes(to)) violations.push(`${relative(src, file)} (${layer}) imports ${relative(src, target)} (${to})`);
        } else if (pure.has(layer) && impure.test(spec)) {
          violations.push(`${relative(src, file)}: pure layer '${layer}' imports '${spec}'`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('has no import cycles', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      const s = state.get(file);
      if (s === 'done') return;
      if (s === 'visiting') { cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(src, f)).join(' -> ')); return; }
      state.set(file, 'visiting');
      for (const spec of graph.get(file) ?? []) {
        const target = resolveLocal(file, spec);
        if (target !== undefined) visit(target, [...path, file]);
      }
      state.set(file, 'done');
    };
    for (const file of all) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
