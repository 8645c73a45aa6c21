import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { DEFAULT_LIMITS as ENGINE_LIMITS, FsBlobStore } from '@peel/engine';
import { openStore, type Store } from './store/index.js';
import { DataFolderLock } from './store/folder-lock.js';
import { closeOwner, openOwner } from './store/owner.js';
import { createServices, type Services } from './services/index.js';
import type { IngestLimits } from './services/ingest.js';
import { parseQuery } from './http/querystring.js';
import { registerErrorHandler } from './http/error-handler.js';
import { registerSecurity } from './http/security.js';
import { DEFAULT_HARDENING, httpServerOptions, registerHardening, type HardeningOptions } from './http/hardening.js';
import { checkBindPolicy } from './http/bind-policy.js';
import { registerOpenApi } from './http/openapi.js';
import { replySerializer } from './http/reply-check.js';
import { imageRoutes } from './routes/images.js';
import { fsRoutes } from './routes/fs.js';
import { archiveRoutes } from './routes/archive.js';
import { metaRoutes } from './routes/meta.js';
import { draftRoutes } from './routes/drafts.js';
import { exportRoutes } from './routes/export.js';
import { dockerRoutes } from './routes/docker.js';
import { findingsRoutes } from './routes/findings.js';
import { compareRoutes } from './routes/compare.js';
import { registryRoutes } from './routes/registry.js';
import { registryPushRoutes } from './routes/registry-push.js';
import { FindingsService } from './services/findings.js';
import { PackagesService } from './services/packages.js';
import { SearchIndexService } from './services/search-index.js';
import { ComparePackagesService } from './services/compare-packages.js';
import { packagesRoutes } from './routes/packages.js';
import type { DockerOptions } from './docker/index.js';
import { createRegistry, type RegistryOptions } from './registry/index.js';
import { registerWeb } from './web.js';

export interface AppOptions {
  /** Where the blobs (and, without databaseUrl, the SQLite database) live (created if missing). */
  dataDir: string;
  /**
   * postgres://… (PEEL_DATABASE_URL): the index in that PostgreSQL database, shared with other
   * Peel processes on the same data folder; unset: SQLite in the data folder, this process alone.
   */
  databaseUrl?: string;
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
  /** Registries to open images from: a private CA, plain-HTTP registries (PEEL_REGISTRY_CA, PEEL_REGISTRY_INSECURE). */
  registry?: RegistryOptions;
  /** Seconds since 1970 (SOURCE_DATE_EPOCH): the created time of every export; default the image's own newest time. */
  sourceDateEpoch?: number;
  /** Layer entries above which an image's findings are refused (PEEL_MAX_FINDINGS_ENTRIES; see services/findings.ts). */
  findingsMaxEntries?: number;
  /** Compute each ingested image's packages in the background (default true). */
  packagesAfterIngest?: boolean;
  /**
   * Build the search's index of each stored image in the background, after its ingest and at
   * start for those without one (default true; see SearchIndexRepo).
   */
  buildSearchIndex?: boolean;
  /** Check every JSON reply against its route's schema (the tests do; see http/reply-check.ts). */
  checkReplies?: boolean;
}

export interface PeelContext {
  /** The database store (images, layers, entries, drafts). */
  index: Store;
  /** The blobs. */
  store: FsBlobStore;
  services: Services;
  /** Resolves when queued writes, blob deletions and search index builds have finished (for tests and shutdown). */
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
  const shared = opts.databaseUrl !== undefined;
  // Embedded: taken before anything touches the folder (cleaning temp files would break another
  // process's ingest). Shared: other processes use the folder at the same time, by design.
  const lock = shared ? null : DataFolderLock.acquire(opts.dataDir);
  let index: Store | undefined;
  try {
    const blobDir = join(opts.dataDir, 'blobs');
    const store = await new FsBlobStore(blobDir).init();
    // Another process's temp files are its ingests in progress: only the embedded store owns them all.
    if (!shared) await store.cleanTemp();
    index = await openStore({ dataDir: opts.dataDir, databaseUrl: opts.databaseUrl });
    return await serve(opts, hardening, lock, index, store, blobDir);
  } catch (err) {
    await index?.close();
    lock?.release();
    throw err;
  }
}

async function serve(opts: AppOptions, hardening: HardeningOptions, lock: DataFolderLock | null, index: Store, store: FsBlobStore, blobDir: string): Promise<FastifyInstance> {
  const chunkRows = opts.chunkRows ?? 2000;
  const owner = openOwner();
  const services = createServices(index, store, owner, { ...DEFAULT_LIMITS, ...opts.limits }, chunkRows, opts.sourceDateEpoch);
  await recover(index, services, blobDir, chunkRows);
  const packages = new PackagesService(index, store, services.images, services.fs.pages);
  // Ready by the time someone opens the image's Packages view (only new ingests: a start computes nothing).
  if (opts.packagesAfterIngest !== false) services.ingest.onIngested((id) => packages.prepare(id));

  const app = Fastify({
    logger: opts.logger ?? false,
    routerOptions: { querystringParser: parseQuery },
    // Uploads are streamed by their own parser; JSON bodies stay small.
    bodyLimit: 1024 * 1024,
    http: httpServerOptions(hardening),
  });
  app.setSerializerCompiler(replySerializer(opts.checkReplies ?? false));
  const searchIndex = new SearchIndexService(index, chunkRows, (err, message) => app.log.error({ err }, message));
  if (opts.buildSearchIndex !== false) {
    services.ingest.onIngested((id) => searchIndex.prepare(id));
    await searchIndex.resume();
  }
  app.decorate('peel', {
    index,
    store,
    services,
    idle: async () => {
      await services.queue.idle();
      await services.collector.release([]);
      await searchIndex.idle();
    },
  } satisfies PeelContext);
  app.addHook('onClose', async () => {
    await searchIndex.close();
    await packages.close();
    await services.queue.idle();
    await services.collector.close();
    closeOwner(owner);
    await index.close();
    lock?.release();
  });

  const hosts = ['localhost', '127.0.0.1', '[::1]', ...(opts.host ? [opts.host.includes(':') && !opts.host.startsWith('[') ? `[${opts.host}]` : opts.host] : []), ...(opts.extraHosts ?? [])];
  // The registry routes reach other hosts: a page of another site may not even read them.
  registerSecurity(app, { allowedHosts: hosts, guardedReads: ['/api/registry/'] });
  registerHardening(app, hardening);
  registerErrorHandler(app);
  await registerOpenApi(app, VERSION);
  await app.register(metaRoutes, { openapi: () => app.swagger() });
  await app.register(imageRoutes, { services });
  await app.register(fsRoutes, { services });
  await app.register(archiveRoutes, { services });
  await app.register(draftRoutes, { services });
  await app.register(exportRoutes, { services });
  const registry = createRegistry(opts.registry ?? {}, services.ingest, store, (err, message) => app.log.error({ err }, message));
  app.addHook('onClose', () => registry.close());
  await app.register(registryRoutes, { registry, layerPages: services.fs.pages });
  await app.register(registryPushRoutes, { services, client: registry.service.client, logFailure: (err, message) => app.log.error({ err }, message) });
  await app.register(dockerRoutes, { services, host: opts.host, docker: opts.docker });
  await app.register(compareRoutes, { compare: services.compare, packages: new ComparePackagesService(services.compare, packages) });
  await app.register(findingsRoutes, { findings: new FindingsService(index, store, services.images, opts.findingsMaxEntries) });
  await app.register(packagesRoutes, { packages });
  await registerWeb(app, opts.webDist ?? null);
  return app;
}

/** A pending image whose owner has not said it is alive for this long is abandoned. */
const STALE_INGEST_MS = 5 * 60_000;

/** Finishes what a stopped process left: half-written or half-deleted images, orphan blobs. */
async function recover(index: Store, services: Services, blobDir: string, chunkRows: number): Promise<void> {
  await index.ingest.cleanupStale(STALE_INGEST_MS, { chunkRows });
  // A shared folder's unreferenced blobs may be another process's ingest in progress (an image's
  // blobs are recorded when it completes): left for the embedded store's sweep only.
  if (index.kind === 'sqlite') await services.collector.sweepUnreferenced(blobDir, await index.images.referencedBlobs());
}
