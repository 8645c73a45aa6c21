/**
 * The contract's JSON Schemas (TypeBox): the server validates requests with them, checks and
 * documents replies with them (`/api/openapi.json`), and `@peel/api`'s types are derived from
 * them, so the types, the validation and the document cannot drift apart.
 */
export * from './base.js';
export * from './images.js';
export * from './paging.js';
export * from './drafts.js';
export * from './docker.js';
export * from './findings.js';
export * from './compare.js';
export * from './packages.js';
export * from './registry.js';
export * from './registry-push.js';
