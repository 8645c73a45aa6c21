/**
 * Config edits made through the draft's config patch (User, ExposedPorts, Volumes, Labels,
 * StopSignal, Healthcheck, a key removed), exported in each mode, loaded by Docker: `docker
 * inspect` must show each edit and the untouched keys as the fixture's oracle recorded them, and a
 * container must behave by them (the user it runs as, its volumes, its health check, the signal
 * `docker stop` sends).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { dockerCli, type DockerCli } from '../../../../packages/engine/test/interop/exec.js';
import { eventually } from '../docker/engine.js';
import { build, FIXTURES, ingest, removeDir, tempDir } from '../helper.js';
import { downloadExport, editDraft } from './api.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dockerHost: string;
  }
}

const MODES = ['append', 'flatten', 'rewrite'] as const;
const SECOND = 1_000_000_000;
const PATCH = {
  // redis is uid 999 in the fixture's /etc/passwd: Docker resolves the name inside the image.
  User: 'redis',
  ExposedPorts: { '8080/tcp': {}, '53/udp': {} },
  Volumes: { '/data': {}, '/srv/cache': {} },
  Labels: { 'org.opencontainers.image.title': 'alpyne', 'peel.edited': 'config' },
  StopSignal: 'SIGUSR1',
  Healthcheck: { Test: ['CMD-SHELL', 'echo peel-health-ok'], Interval: SECOND, Timeout: 5 * SECOND, Retries: 3 },
  WorkingDir: null,
};

interface InspectConfig {
  User: string;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: Record<string, unknown>;
  WorkingDir: string;
  Env: string[];
  Entrypoint: string[];
  Cmd: string[];
}

/** The image as Docker inspected it when the fixture was made (fixtures/multi.oracle). */
const ORACLE = (JSON.parse(await readFile(path.join(FIXTURES, 'multi.oracle/docker-inspect.json'), 'utf8')) as Array<{ Config: InspectConfig }>)[0].Config;

let app: FastifyInstance;
let dataDir: string;
let docker: DockerCli;
let id: string;
const loaded: string[] = [];
const containers: string[] = [];

beforeAll(async () => {
  docker = dockerCli(inject('dockerHost'));
  dataDir = await tempDir('peel-config-interop-');
  app = await build(path.join(dataDir, 'data'));
  id = await ingest(app, 'multi-oci');
  await editDraft(app, id, 'PATCH', '/draft/config', PATCH);
});

afterAll(async () => {
  await app?.close();
  if (containers.length) await docker.run(['rm', '--force', '--volumes', ...containers]).catch(() => undefined);
  if (loaded.length) await docker.run(['image', 'rm', '--force', ...loaded]).catch(() => undefined);
  await removeDir(dataDir);
});

describe.each(MODES)('config edits, %s export', (mode) => {
  const tag = `peel-interop-config/multi-${mode}:latest`;

  beforeAll(async () => {
    const file = path.join(dataDir, `config-${mode}.tar`);
    await downloadExport(app, id, `mode=${mode}&tag=${encodeURIComponent(tag)}`, file);
    expect(await docker.text(['load', '-i', file])).toContain(`Loaded image: ${tag}`);
    loaded.push(tag);
  });

  it('docker inspect shows every edit, and the keys not edited as they were', async () => {
    const [image] = JSON.parse(await docker.text(['image', 'inspect', tag])) as Array<{ Config: InspectConfig }>;
    expect(image.Config.User).toBe('redis');
    expect(image.Config.ExposedPorts).toEqual(PATCH.ExposedPorts);
    expect(image.Config.Volumes).toEqual(PATCH.Volumes);
    expect(image.Config.Labels).toEqual(PATCH.Labels);
    expect(image.Config.StopSignal).toBe('SIGUSR1');
    expect(image.Config.Healthcheck).toEqual(PATCH.Healthcheck);
    expect(image.Config.WorkingDir).toBe('');
    expect(ORACLE.WorkingDir).toBe('/data');
    expect({ Env: image.Config.Env, Entrypoint: image.Config.Entrypoint, Cmd: image.Config.Cmd }).toEqual({ Env: ORACLE.Env, Entrypoint: ORACLE.Entrypoint, Cmd: ORACLE.Cmd });
  });

  it('a container runs as the user, in /, with the volumes, turns healthy and stops on SIGUSR1', async () => {
    const who = await docker.text(['run', '--rm', '--network', 'none', '--entrypoint', '/bin/sh', tag, '-c', 'id -u; id -un; pwd']);
    expect(who).toBe('999\nredis\n/\n');

    // sh as PID 1 ignores SIGTERM (no handler): only the StopSignal ends it before the kill.
    const script = 'trap "echo got USR1; exit 0" USR1; echo ready; while :; do sleep 0.2; done';
    const container = (await docker.text(['run', '-d', '--network', 'none', '--entrypoint', '/bin/sh', tag, '-c', script])).trim();
    containers.push(container);
    const inspect = async () => (JSON.parse(await docker.text(['container', 'inspect', container])) as Array<{
      Mounts: Array<{ Type: string; Destination: string }>;
      State: { Running: boolean; ExitCode: number; Health?: { Status: string; Log: Array<{ ExitCode: number; Output: string }> } };
    }>)[0];
    const started = await inspect();
    expect(started.Mounts.map((m) => `${m.Type} ${m.Destination}`).sort()).toEqual(['volume /data', 'volume /srv/cache']);
    const health = await eventually(async () => {
      const h = (await inspect()).State.Health;
      return h?.Status === 'healthy' ? h : undefined;
    }, 30_000, 'the container to turn healthy');
    expect(health.Log[0]).toMatchObject({ ExitCode: 0, Output: 'peel-health-ok\n' });

    await eventually(async () => ((await docker.text(['logs', container])).includes('ready') ? true : undefined), 30_000, 'the container to print "ready"');
    await docker.run(['stop', '--time', '10', container]);
    const stopped = await inspect();
    expect(stopped.State.Running).toBe(false);
    expect(stopped.State.ExitCode).toBe(0);
    expect(await docker.text(['logs', container])).toBe('ready\ngot USR1\n');
  });
});
