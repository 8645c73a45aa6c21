// Lint: typescript-eslint's recommended rules, plus the import direction of the architecture
// (web -> api contract <- server -> engine), so that a wrong import fails the test command.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import path from 'node:path';

const WEB_FEATURES = path.join(import.meta.dirname, 'apps/web/src/features');

/** The feature folder (`apps/web/src/features/<name>/…`) a file or import target lies in, if any. */
function featureOf(file) {
  const parts = path.relative(WEB_FEATURES, file).split(path.sep);
  return parts[0] === '..' || parts.length < 2 ? null : parts[0];
}

// A web feature is used by the rest of the app only through its public `index.ts`, so what it
// keeps inside can change without touching the others (no cycles between features: see
// apps/web/src/features/feature-graph.test.ts).
const webFeatureBoundaries = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      deep: "'{{spec}}' reaches into the {{to}} feature: import it from '{{index}}' (export what is needed there).",
      ownIndex: "'{{spec}}' is this feature's own public index: import the file itself.",
    },
  },
  create(context) {
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path.resolve(path.dirname(context.filename), spec);
      const to = featureOf(target);
      if (!to) return;
      const throughIndex = /^(index(\.js|\.ts)?)?$/.test(path.relative(path.join(WEB_FEATURES, to), target));
      const from = featureOf(context.filename);
      if (from === to) {
        if (throughIndex && path.basename(context.filename, path.extname(context.filename)) !== 'index') context.report({ node: node.source, messageId: 'ownIndex', data: { spec } });
      } else if (!throughIndex) {
        const index = path.relative(path.dirname(context.filename), path.join(WEB_FEATURES, to, 'index.js'));
        context.report({ node: node.source, messageId: 'deep', data: { spec, to, index: index.startsWith('.') ? index : `./${index}` } });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

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
    plugins: { peel: { rules: { 'web-feature-boundaries': webFeatureBoundaries } } },
    rules: {
      ...restrict(['@peel/engine', '@peel/server', 'node:*', 'better-sqlite3', 'fastify'], 'The web UI only talks to the API (import types from @peel/api).'),
      'peel/web-feature-boundaries': 'error',
      // Query keys are built by each feature's factory (api/query-keys.ts), never retyped.
      'no-restricted-syntax': [
        'error',
        {
          selector: "Property[key.name=/^(queryKey|mutationKey)$/] > ArrayExpression",
          message: "Build the key with the feature's factory (api/query-keys.ts).",
        },
        {
          selector: "CallExpression[callee.property.name=/^(get|set)Quer(y|ies)Data$/] > ArrayExpression.arguments",
          message: "Build the key with the feature's factory (api/query-keys.ts).",
        },
      ],
    },
  },
  {
    // Shared helpers and components sit below the features: they never reach up into one.
    files: ['apps/web/src/lib/**/*.{ts,tsx}', 'apps/web/src/components/**/*.{ts,tsx}'],
    rules: restrict(['@peel/engine', '@peel/server', 'node:*', 'better-sqlite3', 'fastify', '**/features/**'],
      'The web UI only talks to the API, and lib/ and components/ are shared by the features, never part of one.'),
  },
);
