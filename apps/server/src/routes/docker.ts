import type { FastifyInstance, FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  dockerImageLookupSchema, dockerImageSchema, dockerLoadResultSchema, dockerOpenJobSchema, dockerOpenRequestSchema, dockerRefSchema, dockerRunRequestSchema,
  dockerRunSchema, dockerStatusSchema, imageSummarySchema,
} from '@peel/api/schemas';
import type { Services } from '../services/index.js';
import { ApiError } from '../errors.js';
import { createDocker, type DockerOptions } from '../docker/index.js';
import { listImages, lookupImage } from '../docker/images.js';
import { loadArchive } from '../docker/load.js';
import { bridgeTerminal } from '../docker/terminal-socket.js';
import { described, dockerErrors, errors, exportQuery, idParams, noContent } from './schemas.js';

const uuidParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) });
const terminalSize = Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 }));
const attachQuery = Type.Object({ cols: terminalSize, rows: terminalSize });

export interface DockerRoutesOptions {
  services: Services;
  /** The address the server binds: runs are on only for loopback (see docker/run-policy.ts). */
  host?: string;
  docker?: DockerOptions;
}

/** The Docker integration: open from the engine, load into it, run containers in a terminal. */
export async function dockerRoutes(base: FastifyInstance, opts: DockerRoutesOptions): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const docker = createDocker({ ...opts.docker, host: opts.host }, opts.services.ingest, (err, message) => app.log.error({ err }, message));
  app.addHook('onClose', () => docker.close());
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });
  // A refused websocket upgrade (Host, Origin, token, state) gets its error reply; then its
  // socket, which no HTTP server tracks any more, is closed rather than left open.
  app.addHook('onResponse', async (req, reply) => {
    if (req.headers.upgrade && reply.statusCode >= 400) req.raw.socket.end();
  });

  app.get('/api/docker', {
    schema: { summary: 'Whether a Docker engine is reachable (and why not), its version, and whether runs are on', tags: ['docker'], response: { 200: described(dockerStatusSchema, 'the engine, as Peel sees it') } },
  }, async () => docker.engine.status(docker.policy));

  app.get('/api/docker/images', {
    schema: { summary: "The engine's images, one per id with all its tags", tags: ['docker'], response: { 200: Type.Array(dockerImageSchema, { description: "the engine's images" }), ...dockerErrors(503) } },
  }, async () => listImages(await docker.engine.client()));

  app.get('/api/docker/images/lookup', {
    schema: {
      summary: 'Whether the engine already has an image by this name (loading another one under it takes the name over)',
      tags: ['docker'],
      querystring: Type.Object({ ref: dockerRefSchema }),
      response: { 200: described(dockerImageLookupSchema, 'the image by that name, or null'), ...dockerErrors(400, 503) },
    },
  }, async (req) => {
    const { ref } = req.query;
    return { ref, image: await lookupImage(await docker.engine.client(), ref) };
  });

  app.post('/api/docker/images/open', {
    schema: {
      summary: 'Open an image from Docker: `docker save` streamed into the ingest (waits for it)',
      tags: ['docker'],
      body: dockerOpenRequestSchema,
      response: {
        200: described(imageSummarySchema, 'the same archive was stored before: its image'),
        201: described(imageSummarySchema, 'the image, stored and indexed'),
        ...dockerErrors(400, 403, 404, 429, 502, 503),
      },
    },
  }, async (req, reply) => {
    const job = await docker.opens.start(req.body.ref);
    const onClose = () => {
      if (!reply.raw.writableFinished) docker.opens.cancel(job.view.id);
    };
    reply.raw.on('close', onClose);
    try {
      const { summary, created } = await job.done;
      return reply.status(created ? 201 : 200).send(summary);
    } finally {
      reply.raw.off('close', onClose);
    }
  });

  app.post('/api/docker/open-jobs', {
    schema: {
      summary: 'Open an image from Docker in the background; poll the job for its progress',
      tags: ['docker'],
      body: dockerOpenRequestSchema,
      response: { 202: described(dockerOpenJobSchema, 'the job, started'), ...dockerErrors(400, 403, 429) },
    },
  }, async (req, reply) => reply.status(202).send((await docker.opens.start(req.body.ref)).view));

  app.get('/api/docker/open-jobs/:id', {
    schema: { summary: 'An open-from-Docker job: bytes received, state, the image when done', tags: ['docker'], params: uuidParams, response: { 200: described(dockerOpenJobSchema, 'the job'), ...dockerErrors(404) } },
  }, async (req) => docker.opens.get(req.params.id));

  app.delete('/api/docker/open-jobs/:id', {
    schema: { summary: 'Cancel an open-from-Docker job (nothing of it is kept)', tags: ['docker'], params: uuidParams, response: { 200: described(dockerOpenJobSchema, 'the job, cancelled'), ...dockerErrors(403, 404) } },
  }, async (req) => docker.opens.cancel(req.params.id));

  app.post('/api/images/:id/export/docker', {
    schema: {
      summary: 'Load the export (the draft applied) into Docker, as `docker load` would',
      tags: ['docker', 'export'],
      params: idParams,
      querystring: exportQuery,
      response: { 200: described(dockerLoadResultSchema, 'what Docker loaded'), ...errors(400, 403, 404), ...dockerErrors(502, 503) },
    },
  }, async (req) => {
    const client = await docker.engine.client();
    const prepared = await opts.services.exports.build(req.params.id, req.query);
    try {
      return await loadArchive(client, (sink) => prepared.result.write(sink));
    } finally {
      await prepared.finish();
    }
  });

  app.post('/api/docker/runs', {
    schema: {
      summary: 'Run a container (--network none, removed when it stops, memory/pids/time limits); with tty, attach a terminal to start it',
      tags: ['docker'],
      body: dockerRunRequestSchema,
      response: { 201: described(dockerRunSchema, 'the run, created'), ...dockerErrors(400, 403, 404, 429, 502, 503) },
    },
  }, async (req, reply) => reply.status(201).send(await docker.runs.create(req.body)));

  app.get('/api/docker/runs/:id', {
    schema: { summary: 'A run: state, exit code, output', tags: ['docker'], params: uuidParams, response: { 200: described(dockerRunSchema, 'the run'), ...dockerErrors(404) } },
  }, async (req) => docker.runs.get(req.params.id));

  app.delete('/api/docker/runs/:id', {
    schema: { summary: 'Stop a run (the container is removed)', tags: ['docker'], params: uuidParams, response: { 200: described(dockerRunSchema, 'the run, stopped'), ...dockerErrors(403, 404, 503) } },
  }, async (req) => docker.runs.stop(req.params.id));

  app.get('/api/docker/runs/:id/attach', {
    websocket: true,
    // A websocket is a GET, which the global Origin check lets through: refuse any page but ours.
    preValidation: async (req) => {
      sameOrigin(req);
      const run = docker.runs.get(req.params.id);
      if (!run.tty || run.state !== 'created') throw new ApiError(409, 'NOT_ATTACHABLE', run.tty ? `this run is ${run.state}` : 'this run has no TTY');
    },
    schema: {
      summary: "Websocket to a TTY run's terminal (binary frames: bytes; text: resize/exit); it starts the container, closing it stops it",
      tags: ['docker'],
      params: uuidParams,
      querystring: attachQuery,
      response: { 101: noContent('the terminal: switching to the websocket protocol'), ...dockerErrors(403, 404, 409) },
    },
  }, async (socket, req) => {
    const fail = (err: Error) => req.log.warn({ err }, 'terminal attach');
    const { cols, rows } = req.query;
    const attaching = docker.runs.attach(req.params.id).then(async (attachment) => {
      // The terminal's size before its first output, so the shell's first prompt fits.
      if (cols && rows) await attachment.resize(cols, rows).catch(fail);
      return attachment;
    });
    bridgeTerminal(socket, attaching, fail);
  });
}

/** The websocket's Origin must be the page this server served: same host and port as the request. */
function sameOrigin(req: FastifyRequest): void {
  const origin = req.headers.origin;
  let host: string | null = null;
  try {
    host = origin ? new URL(origin).host.toLowerCase() : null;
  } catch {
    host = null;
  }
  if (!host || host !== (req.headers.host ?? '').toLowerCase() || req.headers['sec-fetch-site'] === 'cross-site') {
    throw new ApiError(403, 'BAD_ORIGIN', `a terminal may only be opened from this server's own page (Origin: ${JSON.stringify(origin ?? '')} refused)`);
  }
}
