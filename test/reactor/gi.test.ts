import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isGiLoaded, loadGi } from '../../src/reactor/gi';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('lazy node-gtk loading', () => {
  it('loads node-gtk with GLib, GObject and Gio on first use, once', () => {
    const a = loadGi();
    expect(isGiLoaded()).toBe(true);
    expect(typeof a.GLib.MainLoop.new).toBe('function');
    expect(typeof a.Gio.UnixFDList.new).toBe('function');
    expect(loadGi()).toBe(a);
  });

  it('importing the pure entry points never loads node-gtk', async () => {
    const script = `
      const { createRequire } = await import('node:module');
      for (const entry of ['index', 'defer/index', 'testing/index', 'reactor/index']) {
        await import('./src/' + entry + '.ts').catch((e) => { if (e.code !== 'ERR_MODULE_NOT_FOUND') throw e; });
      }
      const cache = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify(cache.filter((k) => k.includes('node-gtk'))));`;
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 20_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    });
    expect(JSON.parse(out.trim())).toEqual([]);
  });
});
