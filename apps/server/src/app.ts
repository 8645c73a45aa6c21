import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { DEFAULT_LIMITS as ENGINE_LIMITS, FsBlobStore } from '@peel/engine';
import { openDatabase, type Db } from './store/db.js';
import { DataFolderLock } from './store/folder-lock.js';
import { purgeImage, unfinishedImages } from './store/image-purge.js';
import { createServices, type Services } from './services/index.js';
import type { IngestLimits } from './services/ingest.js';
import { parseQuery } from './http/querystring.js';
import { registerErrorHandler } from './http/error-handler.js';
import { registerSecurity } from './http/security.js';
import { DEFAULT_HARDENING, httpServerOptions, registerHardening, type HardeningOptions } from './http/hardening.js';
import { checkBindPolicy } from './http/bind-policy.js';
import { collectRoutes, openApiDocument } from './http/openapi.js';
import { imageRoutes } from './routes/images.js';
import { fsRoutes } from './routes/fs.js';
import { archiveRoutes } from './routes/archive.js';
import { metaRoutes } from './routes/meta.js';
import { draftRoutes } from './routes/drafts.js';
import { exportRoutes } from './routes/export.js';
import { dockerRoutes } from './routes/docker.js';
import { findingsRoutes } from './routes/findings.js';
import { FindingsService } from './services/findings.js';
import type { DockerOptions } from './docker/index.js';
import { registerWeb } from './web.js';

export interface AppOptions {
  /** Where the database and the blobs live (created if missing). */
  dataDir: string;
  limits?: Partial<IngestLimits>;
  /** The address the server binds; requests may name it, localhost, 127.0.0.1 or [::1]. */
  host?: string;
  /** More host names requests may use (e.g. a machine name when bound to 0.0.0.0). */
  extraHosts?: string[];
  /** The built web UI to serve, if any. */
  webDist?: string | null;
  logger?: FastifyServerOptions['logger'];
  /** Rows per write transaction; between two, other requests are served. */
  chunkRows?: number;
  /** Request limits, timeouts, and what exposing the server beyond loopback needs (http/hardening.ts). */
  hardening?: Partial<HardeningOptions>;
  /** The Docker engine to open images from, load and run them in (DOCKER_HOST); runs need a loopback `host`. */
  docker?: DockerOptions;
  /** Seconds since 1970 (SOURCE_DATE_EPOCH): the created time of every export; default the image's own newest time. */
  sourceDateEpoch?: number;
}

export interface PeelContext {
  db: Db;
  store: FsBlobStore;
  services: Services;
  /** Resolves when queued writes and blob deletions have finished (for tests and shutdown). */
  idle(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    peel: PeelContext;
  }
}

/** The engine's archive limits, plus the size of one upload. */
export const DEFAULT_LIMITS: IngestLimits = {
  maxUploadBytes: 64 * 1024 ** 3,
  ...ENGINE_LIMITS,
  // An ingest sorts each layer's entries into runs on disk, so memory does not follow their
  // number; the caps bound the rows, disk and time a hostile archive of empty entries costs.
  maxEntriesPerLayer: 12_000_000,
  maxEntriesPerArchive: 12_000_000,
};

const VERSION = '0.1.0';

/** Builds the whole server (API, security, web UI) without listening. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const hardening = { ...DEFAULT_HARDENING, ...opts.hardening };
  checkBindPolicy(opts.host, hardening);
  await mkdir(opts.dataDir, { recursive: true });
  // Taken before anything touches the folder: cleaning temp files would break another process's ingest.
  const lock = DataFolderLock.acquire(opts.dataDir);
  let db: Db | undefined;
  try {
    const blobDir = join(opts.dataDir, 'blobs');
    const store = await new FsBlobStore(blobDir).init();
    await store.cleanTemp();
    db = openDatabase(join(opts.dataDir, 'peel.db'));
    return await serve(opts, hardening, lock, db, store, blobDir);
  } catch (err) {
    db?.close();
    lock.release();
    throw err;
  }
}

async function serve(opts: AppOptions, hardening: HardeningOptions, lock: DataFolderLock, db: Db, store: FsBlobStore, blobDir: string): Promise<FastifyInstance> {
  const chunkRows = opts.chunkRows ?? 2000;
  const services = createServices(db, store, { ...DEFAULT_LIMITS, ...opts.limits }, chunkRows, opts.sourceDateEpoch);
  await recover(db, services, blobDir, chunkRows);

  const app = Fastify({
    logger: opts.logger ?? false,
    routerOptions: { querystringParser: parseQuery },
    // Uploads are streamed by their own parser; JSON bodies stay small.
    bodyLimit: 1024 * 1024,
    http: httpServerOptions(hardening),
  });
  // Plain JSON.stringify: it escapes lone surrogates (non-UTF-8 names) the way JSON.parse reads them back.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.decorate('peel', {
    db,
    store,
    services,
    idle: async () => {
      await services.queue.idle();
      await services.collector.release([]);
    },
  } satisfies PeelContext);
  app.addHook('onClose', async () => {
    await services.queue.idle();
    db.close();
    lock.release();
  });

  const hosts = ['localhost', '127.0.0.1', '[::1]', ...(opts.host ? [opts.host.includes(':') && !opts.host.startsWith('[') ? `[${opts.host}]` : opts.host] : []), ...(opts.extraHosts ?? [])];
  registerSecurity(app, { allowedHosts: hosts });
  registerHardening(app, hardening);
  registerErrorHandler(app);
  const routes = collectRoutes(app);
  let doc: Record<string, unknown> | null = null;
  await app.register(metaRoutes, { openapi: () => (doc ??= openApiDocument(routes, VERSION)) });
  await app.register(imageRoutes, { services });
  await app.register(fsRoutes, { services });
  await app.register(archiveRoutes, { services });
  await app.register(draftRoutes, { services });
  await app.register(exportRoutes, { services });
  await app.register(dockerRoutes, { services, host: opts.host, docker: opts.docker });
  await app.register(findingsRoutes, { findings: new FindingsService(db, store, services.images) });
  await registerWeb(app, opts.webDist ?? null);
  return app;
}

/** Finishes what a stopped process left: half-written or half-deleted images, orphan blobs. */
async function recover(db: Db, services: Services, blobDir: string, chunkRows: number): Promise<void> {
  for (const key of unfinishedImages(db)) await purgeImage(db, key, chunkRows);
  await services.collector.sweepUnreferenced(blobDir, services.images.repo.referencedBlobs());
}
