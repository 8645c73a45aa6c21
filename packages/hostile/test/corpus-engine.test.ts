import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { mergeLayers, openEntryContent, openImageArchive, type FsBlobStore } from '@peel/engine';
import { corpus, ingests, refusals, ESCAPE_MARKER } from '../src/corpus.js';
import { escapedMarkers, tempStore } from './helpers.js';

/**
 * Every case of the hostile corpus through the engine: ingested with the expected warnings and
 * the expected files, or refused with the expected code; never anything else, and a refused
 * archive leaves no blob and no temp file.
 */
describe('the hostile corpus, engine', () => {
  let store: FsBlobStore;
  let contents: Awaited<ReturnType<typeof tempStore>>['contents'];
  let dispose: () => Promise<void>;
  beforeAll(async () => ({ store, contents, dispose } = await tempStore()));
  afterAll(() => dispose());

  for (const c of corpus) {
    it(`${c.name}: ${c.about}`, async () => {
      const before = await contents();
      const result = await openImageArchive([c.bytes()], store).then((a) => ({ a }), (e: { code?: string; message: string }) => ({ e }));
      if (ingests(c)) {
        if ('e' in result) throw new Error(`expected an ingest, got ${result.e.code}: ${result.e.message}`);
        const { a } = result;
        const fs = mergeLayers(a.image.layers.map((l) => a.layerScans.get(l.blob)!.entries));
        const codes = [...a.problems, ...fs.problems].map((p) => p.code);
        for (const code of c.expect.ingest) expect(codes, `problems of ${c.name}`).toContain(code);
        for (const p of c.merged?.has ?? []) expect(fs.get(p), `${p} in the merged view`).toBeDefined();
        for (const p of c.merged?.lacks ?? []) expect(fs.get(p), `${p} not in the merged view`).toBeUndefined();
        for (const { path, bytes } of c.content ?? []) {
          const ref = fs.get(path)?.content;
          if (!ref) throw new Error(`${path} has no content in the merged view`);
          const got = Buffer.concat(await openEntryContent(store, a.image.layers[ref.layer].tarBlob, ref.entry).toArray());
          const want = bytes();
          expect(got.equals(want), `${path}: ${got.length} bytes read, ${want.length} expected`).toBe(true);
          expect(ref.entry.digest).toBe(`sha256:${createHash('sha256').update(want).digest('hex')}`);
        }
      } else {
        if ('a' in result) throw new Error(`expected a refusal (${refusals(c).join('/')}), but it was ingested`);
        expect(refusals(c), result.e.message).toContain(result.e.code);
        expect(result.e.message.length).toBeGreaterThan(10);
        expect(await contents(), 'a refused archive leaves nothing').toEqual(before);
      }
      expect((await contents()).tmp).toEqual([]);
    });
  }

  it('nothing landed outside the store', async () => {
    expect(await escapedMarkers(ESCAPE_MARKER, [tmpdir(), '/tmp', '/etc', process.cwd(), '/'])).toEqual([]);
  });
});
