import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, type AppOptions } from './app.js';
import { DataFolderInUseError } from './store/folder-lock.js';
import { redactUrl } from './store/index.js';
import { archiveLimitsFromEnv, hardeningFromEnv, positiveInteger } from './http/hardening-env.js';

/** Reads the environment, builds the app and listens. Nothing else lives here. */
function fromEnv(env: NodeJS.ProcessEnv): AppOptions & { port: number; host: string } {
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  const here = dirname(fileURLToPath(import.meta.url));
  const bytes = (name: string): number | undefined => positiveInteger(env, name, 'a positive number of bytes');
  const host = env.HOST || '127.0.0.1';
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '' && !/^\d+$/.test(epoch)) throw new Error(`SOURCE_DATE_EPOCH must be seconds since 1970, got ${JSON.stringify(epoch)}`);
  return {
    port: env.PORT === undefined || env.PORT === '' ? 7777 : Number(env.PORT),
    host,
    dataDir: resolve(env.PEEL_DATA_DIR || join(dataHome, 'peel')),
    databaseUrl: env.PEEL_DATABASE_URL || undefined,
    webDist: resolve(env.PEEL_WEB_DIST || join(here, '..', '..', 'web', 'dist')),
    extraHosts: (env.PEEL_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean),
    limits: {
      maxUploadBytes: bytes('PEEL_MAX_UPLOAD_BYTES'),
      maxLayerBytes: bytes('PEEL_MAX_LAYER_BYTES'),
      maxJsonBytes: bytes('PEEL_MAX_JSON_BYTES'),
      ...archiveLimitsFromEnv(env),
    },
    hardening: hardeningFromEnv(env),
    logger: { level: env.LOG_LEVEL || 'warn' },
    docker: {
      dockerHost: env.DOCKER_HOST || undefined,
      tlsVerify: env.DOCKER_TLS_VERIFY || undefined,
      // Running containers beyond loopback (with PEEL_EXPOSE and PEEL_TOKEN): see src/docker/run-policy.ts.
      allowRuns: env.PEEL_DOCKER_RUNS === '1',
    },
    registry: {
      caFile: env.PEEL_REGISTRY_CA || undefined,
      insecure: (env.PEEL_REGISTRY_INSECURE ?? '').split(',').map((h) => h.trim()).filter(Boolean),
    },
    sourceDateEpoch: epoch ? Number(epoch) : undefined,
    findingsMaxEntries: positiveInteger(env, 'PEEL_MAX_FINDINGS_ENTRIES'),
  };
}

const config = fromEnv(process.env);
for (const k of Object.keys(config.limits ?? {}) as Array<keyof NonNullable<AppOptions['limits']>>) {
  if (config.limits?.[k] === undefined) delete config.limits?.[k];
}
const app = await buildApp(config).catch((err: unknown) => {
  // A refusal people can act on is one line, not a stack trace.
  if (err instanceof DataFolderInUseError) {
    console.error(`peel: ${err.message}`);
    process.exit(1);
  }
  throw err;
});
const shutdown = () => {
  app.close().then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
const address = await app.listen({ port: config.port, host: config.host });
// One plain line for people and for scripts that start the server on port 0.
const index = config.databaseUrl
  ? `index: PostgreSQL ${redactUrl(config.databaseUrl)}, data folder shared (not locked)`
  : 'index: SQLite in the data folder, locked to this process';
console.log(`peel listening on ${address} (data: ${config.dataDir}; ${index})`);
