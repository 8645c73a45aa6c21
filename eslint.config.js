// Lint: typescript-eslint's recommended rules, plus the import direction of the architecture
// (web -> api contract <- server -> engine), so that a wrong import fails the test command.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'fixtures/**', '**/test-results/**', 'bench/out/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['packages/engine/src/**/*.ts'],
    rules: restrict(['fastify', 'fastify/*', '@fastify/*', 'react', 'react-dom', 'better-sqlite3', 'node:http', 'node:https', '@peel/server', '@peel/web', '@peel/api'],
      'The engine is pure: no HTTP, no UI, no database.'),
  },
  {
    files: ['packages/api/src/**/*.ts'],
    rules: restrict(['@peel/engine', '@peel/server', 'fastify', 'react', 'node:*'], 'The API contract is plain types shared by web and server.'),
  },
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(['@peel/engine', '@peel/server', 'node:*', 'better-sqlite3', 'fastify'], 'The web UI only talks to the API (import types from @peel/api).'),
  },
);
