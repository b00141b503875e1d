// ESLint flat config. The time rule (STYLE.md rule 3): nothing under src/ reads the clock or
// schedules work except through ReactorTime; only the reactor implementations may.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const timeGlobals = ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval',
  'clearImmediate', 'performance', 'Date'].map((name) => ({
  name,
  message: `Time only through ReactorTime (STYLE.md rule 3): use reactor.seconds()/callLater instead of ${name}.`,
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.types/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly',
      setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
      setImmediate: 'readonly', clearImmediate: 'readonly', queueMicrotask: 'readonly', performance: 'readonly',
      URL: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', globalThis: 'readonly',
      FinalizationRegistry: 'readonly', WeakRef: 'readonly', structuredClone: 'readonly',
      AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/reactor/impl/**'],
    rules: {
      'no-restricted-globals': ['error', ...timeGlobals],
      'no-restricted-properties': ['error',
        { object: 'process', property: 'hrtime', message: 'Time only through ReactorTime (STYLE.md rule 3).' },
        { object: 'process', property: 'uptime', message: 'Time only through ReactorTime (STYLE.md rule 3).' }],
      'no-restricted-imports': ['error', { paths: [
        { name: 'node:timers', message: 'Time only through ReactorTime (STYLE.md rule 3).' },
        { name: 'node:timers/promises', message: 'Time only through ReactorTime (STYLE.md rule 3).' },
        { name: 'node:perf_hooks', message: 'Time only through ReactorTime (STYLE.md rule 3).' },
        { name: 'timers', message: 'Time only through ReactorTime (STYLE.md rule 3).' },
      ] }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', __filename: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests may use anything, but never `any` leaks matter less there.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
