import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { replySerializer } from '../src/http/reply-check.js';
import { registerErrorHandler } from '../src/http/error-handler.js';

const entry = Type.Object({ name: Type.String(), size: Type.Integer(), createdAt: Type.String({ format: 'date-time' }) });

/** One route whose reply is whatever the test hands it, declared with the schema above. */
async function appReplying(check: boolean, reply: () => unknown): Promise<FastifyInstance> {
  const app = Fastify();
  app.setSerializerCompiler(replySerializer(check));
  registerErrorHandler(app);
  app.withTypeProvider<TypeBoxTypeProvider>().get('/entry', { schema: { response: { 200: entry } } }, async () => reply() as never);
  await app.ready();
  return app;
}

describe('reply checks', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('sends a reply that keeps its schema as JSON.stringify writes it, fields the schema does not list included', async () => {
    const body = { name: '\udc80x', size: 3, createdAt: '2026-12-06T08:00:00.000Z', extra: [1] };
    app = await appReplying(true, () => body);
    const res = await app.inject('/entry');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(JSON.stringify(body));
  });

  it('answers 500 naming the field when a reply breaks its schema', async () => {
    for (const [body, field] of [
      [{ name: 'a', size: 1.5, createdAt: '2026-12-06T08:00:00Z' }, '/size'],
      [{ name: 'a', size: 1, createdAt: 'yesterday' }, '/createdAt'],
      [{ size: 1, createdAt: '2026-12-06T08:00:00Z' }, '/name'],
      // undefined is not sent: to the client the field is missing.
      [{ name: undefined, size: 1, createdAt: '2026-12-06T08:00:00Z' }, '/name'],
    ] as const) {
      await app?.close();
      app = await appReplying(true, () => body);
      const res = await app.inject('/entry');
      expect(res.statusCode, JSON.stringify(body)).toBe(500);
      expect(res.json().error.code).toBe('REPLY_SCHEMA');
      expect(res.json().error.message).toContain(`at ${field}:`);
    }
  });

  it('does not check when off (production): the reply goes out as it is', async () => {
    const body = { name: 'a', size: 'big' };
    app = await appReplying(false, () => body);
    const res = await app.inject('/entry');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(body);
  });
});
