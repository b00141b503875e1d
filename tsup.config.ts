import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'defer/index': 'src/defer/index.ts',
    'reactor/index': 'src/reactor/index.ts',
    'protocols/index': 'src/protocols/index.ts',
    'gdp/index': 'src/gdp/index.ts',
    'gst/index': 'src/gst/index.ts',
    'testing/index': 'src/testing/index.ts',
    'cli/main': 'src/cli/main.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: {
    index: 'src/index.ts',
    'defer/index': 'src/defer/index.ts',
    'reactor/index': 'src/reactor/index.ts',
    'protocols/index': 'src/protocols/index.ts',
    'gdp/index': 'src/gdp/index.ts',
    'gst/index': 'src/gst/index.ts',
    'testing/index': 'src/testing/index.ts',
  } },
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['node-gtk'],
  shims: true,
});
