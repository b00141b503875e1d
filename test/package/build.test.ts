/**
 * The package builds (tsup: ESM + CJS + d.ts) and every entry of the `exports` map loads under both
 * module systems through the package's own name, without loading node-gtk, and the public
 * declarations carry no generated GStreamer/GLib types (PITFALLS 20).
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
const entries = Object.keys(pkg.exports).filter((k) => k !== './package.json').map((k) => k.replace(/^\./, 'torsion'));

function run(args: string[], timeout = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(args[0] as string, args.slice(1), { cwd: root, timeout, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${args.join(' ')}: ${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout));
  });
}

describe('package build', () => {
  beforeAll(async () => {
    await run([join(root, 'node_modules/.bin/tsup'), '--silent']);
  }, 180_000);

  it('loads every export under ESM and CommonJS without loading node-gtk', async () => {
    const names = JSON.stringify(entries);
    const esm = await run([process.execPath, '--input-type=module', '-e', `
      import { createRequire } from 'node:module';
      const out = {};
      for (const name of ${names}) out[name] = Object.keys(await import(name)).length;
      out.gtk = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('node-gtk'));
      console.log(JSON.stringify(out));`]);
    const cjs = await run([process.execPath, '-e', `
      const out = {};
      for (const name of ${names}) out[name] = Object.keys(require(name)).length;
      out.gtk = Object.keys(require.cache).some((k) => k.includes('node-gtk'));
      console.log(JSON.stringify(out));`]);
    for (const out of [JSON.parse(esm), JSON.parse(cjs)]) {
      expect(out.gtk).toBe(false);
      for (const name of entries) expect(out[name], name).toBeGreaterThanOrEqual(name === 'torsion/protocols' || name === 'torsion/gst' ? 0 : 1);
      expect(out.torsion).toBeGreaterThan(5);
    }
  });

  it('keeps generated GI types out of the public declarations', () => {
    const dts = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? dts(join(dir, d.name)) : d.name.endsWith('.d.ts') ? [join(dir, d.name)] : []);
    const files = dts(join(root, 'dist'));
    expect(files.length).toBeGreaterThanOrEqual(entries.length);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/['"]node-gtk['"]|NodeGtkGi|Gst10|GLib20|Gio20|GObject20/);
      expect(text.length, file).toBeLessThan(400_000);
    }
  });
});
