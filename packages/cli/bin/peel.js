#!/usr/bin/env node
// The installed `peel`: runs src/main.ts in place (source-first, no build step). tsx compiles the
// TypeScript; a tiny resolve hook adds the "source" export condition, which makes the workspace
// packages (@peel/engine) resolve to their src/ — what `tsx --conditions=source` does.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
// Registered after tsx so it runs first and tsx's resolver sees the extra condition.
register('data:text/javascript,' + encodeURIComponent(
  'export async function resolve(specifier, context, next) {'
  + ' const conditions = context.conditions.includes("source") ? context.conditions : ["source", ...context.conditions];'
  + ' return next(specifier, { ...context, conditions }); }',
));
await import('../src/main.ts');
