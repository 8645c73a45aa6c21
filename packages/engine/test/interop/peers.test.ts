/**
 * Archives other projects test against (fixtures/peers: dive, go-containerregistry), made by
 * other tools. Each one Docker loads is exported by Docker and compared with the engine's
 * merged view; the others must be refused with the error the fixtures README calls for.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compareListings } from './compare-listings.js';
import { engineListing, openWithEngine } from './engine-view.js';
import { dockerCli } from './exec.js';
import { listTar, tarFileDigests } from './gnu-tar.js';
import { listingFromTar } from './fs-listing.js';
import { FIXTURES } from '../helpers.js';

/** What `docker create` adds to every container (see docker-view.ts for why each exists). */
const RUNTIME = ['.dockerenv', 'dev/console', 'dev/pts', 'dev/shm', 'etc/hosts', 'etc/hostname', 'etc/resolv.conf', 'etc/mtab'];
const INIT_DIRS = ['dev', 'proc', 'sys', 'etc'];

const LOADABLE = [
  'dive-test-docker-image.tar',
  'dive-test-kaniko-image.tar',
  'ggcr-hello-world-v25.tar',
  'ggcr-overwritten_file.tar',
  'ggcr-whiteout_image.tar',
  'ggcr-source_image_with_empty_layer_history.tar',
];

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'peel-peers-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe.each(LOADABLE)('%s: Docker and the engine agree', (file) => {
  it('on the merged filesystem', async () => {
    const docker = dockerCli(inject('dockerHost'));
    const archive = path.join(FIXTURES, 'peers', file);
    const loaded = await docker.text(['load', '-q', '-i', archive]);
    const ref = /Loaded image(?: ID)?: (\S+)/.exec(loaded)?.[1];
    expect(ref, loaded).toBeTruthy();
    const id = (await docker.text(['create', ref!, '/peel-never-runs'])).trim();
    const exportTar = path.join(work, `${file}.export.tar`);
    try {
      await docker.run(['export', '-o', exportTar, id]);
    } finally {
      await docker.run(['rm', id]);
      await docker.run(['rmi', '-f', ref!]).catch(() => undefined);
    }
    const expected = listingFromTar(await listTar(exportTar), await tarFileDigests(exportTar));
    const engine = await openWithEngine(archive, work);
    const actual = engineListing(engine.merged);
    for (const p of RUNTIME) {
      expect(actual.has(p), `${p} is in the image, Docker's view cannot check it`).toBe(false);
      expected.delete(p);
    }
    const typeOnly = new Set<string>();
    for (const d of INIT_DIRS) {
      if (actual.has(d)) typeOnly.add(d);
      else expected.delete(d);
    }
    expect(compareListings(expected, actual, { oracle: 'docker export', typeOnly })).toEqual([]);
  });
});

describe('archives Docker refuses', () => {
  it.each([
    ['ggcr-no_manifest.tar', 'UNSUPPORTED_FORMAT'],
    ['ggcr-null_manifest.tar', 'NOT_AN_IMAGE'],
  ])('%s is refused with %s', async (file, code) => {
    const err = await openWithEngine(path.join(FIXTURES, 'peers', file), work).then(() => null, (e) => e);
    expect(err?.code).toBe(code);
  });
});
