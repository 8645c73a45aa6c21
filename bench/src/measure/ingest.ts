import { execFileSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';
import type { ImageSummary } from '@peel/api';
import { settle } from '../util/exec.js';
import { startServer, uploadFile, type Server } from './server.js';

export interface IngestRun {
  ms: number;
  /** VmHWM of the server after the ingest, MiB (the process is fresh for every run). */
  peakMiB: number;
  /** VmRSS of the idle server just before the upload, MiB. */
  startMiB: number;
  /** 1-minute load average when the run started. */
  load: number;
}

export interface ServerContext {
  repo: string;
  work: string;
  webDist: string;
  /** The server keeps its index on PostgreSQL: each run gets a fresh database on this server (its URL). */
  postgres?: string;
}

export interface Ingested {
  run: IngestRun;
  server: Server;
  imageId: string;
  dataDir: string;
  /** Stops the server and deletes its data. */
  dispose(): Promise<void>;
}

/** Uploads the archive to a fresh server with a fresh data folder; the server keeps running. */
export async function ingestOnce(ctx: ServerContext, file: string, label: string, cpuProfDir?: string): Promise<Ingested> {
  const dataDir = join(ctx.work, `data-${label}`);
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const database = ctx.postgres ? freshDatabase(ctx.postgres, label) : undefined;
  const server = await startServer({ repo: ctx.repo, dataDir, webDist: ctx.webDist, cpuProfDir, databaseUrl: database?.url });
  const dispose = async () => {
    await server.stop();
    database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await settle();
    const startMiB = server.rssMiB();
    const load = loadavg()[0];
    const t0 = performance.now();
    const res = await uploadFile(server.address, file, basename(file));
    const ms = performance.now() - t0;
    if (res.status !== 201) throw new Error(`ingest of ${file} answered ${res.status}: ${res.body.slice(0, 500)}`);
    const imageId = (JSON.parse(res.body) as ImageSummary).id;
    return { run: { ms, peakMiB: server.peakMiB(), startMiB, load }, server, imageId, dataDir, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** A new, empty database on the PostgreSQL server `server` names (psql, from Debian's postgresql-client). */
function freshDatabase(server: string, label: string): { url: string; drop: () => void } {
  const name = `peel_bench_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
  const psql = (sql: string) => execFileSync('psql', [server, '-qc', sql], { stdio: ['ignore', 'ignore', 'inherit'] });
  psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  psql(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
