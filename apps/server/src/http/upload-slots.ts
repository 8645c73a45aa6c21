import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

/**
 * At most `max` matching requests at once; the next is answered 429 before its body is read.
 * A slot is freed when the response is over, however it ended (sent, failed, client gone).
 */
export function registerUploadSlots(app: FastifyInstance, max: number, matches: (req: FastifyRequest) => boolean): void {
  let active = 0;
  app.addHook('onRequest', async (req, reply) => {
    if (!matches(req)) return;
    if (active >= max) {
      reply.header('retry-after', '5');
      throw new ApiError(429, 'TOO_MANY_UPLOADS', `the server is already receiving ${active} upload(s), its limit (PEEL_MAX_UPLOADS=${max}); try again when one has finished`);
    }
    active++;
    let released = false;
    reply.raw.once('close', () => {
      if (!released) active--;
      released = true;
    });
  });
}
