/**
 * The real image archives in /fixtures (written by docker, skopeo, ctr, podman, buildah): the
 * outer tar and every uncompressed layer inside it must list as `tar -tvf` lists them, and
 * content-addressed entries (blobs/sha256/<hex>, <hex>.tar) must hash to their names when read
 * back by offset.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asListed, listWithGnuTar, makeTmpDir, parseEveryWay } from './helpers.js';

const FIXTURES = join(import.meta.dirname, '../../../../fixtures');
const archives = readdirSync(FIXTURES).filter((f) => f.endsWith('.tar')).sort();
const tmp = makeTmpDir();
afterAll(() => tmp.remove());

const isTar = (b: Buffer): boolean => b.length >= 512 && b.toString('latin1', 257, 262) === 'ustar';

describe('fixtures', () => {
  it('has archives to read', () => {
    expect(archives.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of archives) {
    it(`reads ${name} like GNU tar, and its layers too`, () => {
      const file = join(FIXTURES, name);
      const buf = readFileSync(file);
      const outer = parseEveryWay(buf, { keepData: false, maxForBytewise: 1_200_000 });
      expect(outer.finished).toBe(true);
      expect(outer.entries.map((e) => asListed(e.header))).toEqual(listWithGnuTar(file));

      let layers = 0;
      for (const { header: h, sha256 } of outer.entries) {
        const data = buf.subarray(h.dataOffset, h.dataOffset + h.size);
        expect(createHash('sha256').update(data).digest('hex')).toBe(sha256);
        const addressed = /(?:^|\/)blobs\/sha256\/([0-9a-f]{64})$|^([0-9a-f]{64})\.tar$/.exec(h.name);
        if (addressed && h.type === 'file') expect(sha256, h.name).toBe(addressed[1] ?? addressed[2]);
        if (h.type !== 'file' || !isTar(data)) continue;
        layers += 1;
        const inner = parseEveryWay(data, { keepData: false, maxForBytewise: 0 });
        const layerFile = join(tmp.dir, `${name}-${layers}.tar`);
        writeFileSync(layerFile, data);
        expect(inner.entries.map((e) => asListed(e.header)), h.name).toEqual(listWithGnuTar(layerFile));
      }
      // Archives with gzip/zstd layers have no plain tar inside; the others have at least one.
      if (/legacy|docker-archive|tiny-containerd/.test(name)) expect(layers).toBeGreaterThan(0);
    });
  }
});
