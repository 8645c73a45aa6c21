import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PAGE_DEFAULT_LIMIT, PAGE_MAX_LIMIT, type CompareChange } from '@peel/api';
import { StringEnum, comparePackagesSchema, comparePageSchema, compareSummarySchema } from '@peel/api/schemas';
import { COMPARE_KINDS, type CompareRequest, type ComparePageRequest } from '../services/compare.js';
import type { CompareService } from '../services/compare.js';
import type { ComparePackagesService } from '../services/compare-packages.js';
import { badRequest } from '../errors.js';
import { described, errors, flag, idParam, isOn, layerParam, pathQuery } from './schemas.js';

/** The two sides and the mtime toggle, which every compare route takes. */
const sidesQuery = {
  a: idParam,
  aLayer: Type.Optional(layerParam),
  b: idParam,
  bLayer: Type.Optional(layerParam),
  aDraft: flag({ description: 'side A is image a as its draft leaves it (not with aLayer)' }),
  bDraft: flag({ description: 'side B is image b as its draft leaves it (not with bLayer)' }),
  mtime: flag({ description: 'list mtime-only changes (hidden otherwise; always counted in fs.mtimeOnly)' }),
};
/** Every compare listing is paged; `paged=1` is taken for symmetry with the other listings. */
const pageQuery = {
  paged: flag(),
  limit: Type.Optional(Type.Integer()),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200_000 })),
  kinds: Type.Optional(Type.String({ maxLength: 100, description: `comma-separated: ${COMPARE_KINDS.join(', ')}` })),
};

const SIDES = 'A side is an image (a, b), optionally as of layer N (aLayer, bLayer: its layers 0..N merged); the same image may be both sides; '
  + 'aDraft=1/bDraft=1 make a side the image as its draft leaves it (the draft against its own image is the same comparison). '
  + 'Unknown ids are 404, a layer out of range 400 (BAD_LAYER), a draft side with a layer 400 (BAD_QUERY).';

type SidesQuery = { a: string; aLayer?: number; aDraft?: string; b: string; bLayer?: number; bDraft?: string; mtime?: string };
type PageQuery = { limit?: number; cursor?: string; kinds?: string };

function sidesOf(q: SidesQuery): CompareRequest {
  for (const [draft, layer, side] of [[q.aDraft, q.aLayer, 'a'], [q.bDraft, q.bLayer, 'b']] as const) {
    if (isOn(draft) && layer !== undefined) throw badRequest('BAD_QUERY', `${side}Draft=1 is the whole image with its draft's edits: it cannot be combined with ${side}Layer`);
  }
  return {
    a: { id: q.a, layer: q.aLayer, draft: isOn(q.aDraft) },
    b: { id: q.b, layer: q.bLayer, draft: isOn(q.bDraft) },
    mtime: isOn(q.mtime),
  };
}

function pageOf(q: PageQuery): ComparePageRequest {
  const limit = q.limit ?? PAGE_DEFAULT_LIMIT;
  if (limit < 1 || limit > PAGE_MAX_LIMIT) throw badRequest('BAD_LIMIT', `limit must be between 1 and ${PAGE_MAX_LIMIT} rows per page (got ${limit})`);
  let kinds: CompareChange[] | null = null;
  if (q.kinds !== undefined) {
    const named = q.kinds.split(',').filter((k) => k !== '');
    const unknown = named.filter((k) => !(COMPARE_KINDS as string[]).includes(k));
    if (unknown.length > 0 || named.length === 0) throw badRequest('BAD_QUERY', `kinds is a comma-separated list of ${COMPARE_KINDS.join(', ')} (got "${q.kinds}")`);
    kinds = COMPARE_KINDS.filter((k) => named.includes(k));
  }
  return { limit, cursor: q.cursor, kinds };
}

export async function compareRoutes(base: FastifyInstance, { compare, packages }: { compare: CompareService; packages: ComparePackagesService }): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/compare', {
    schema: {
      summary: `Compare two sides: files added, removed, modified, type changed, metadata changed, bytes each way, the layers they share, the config and history differences. ${SIDES}`,
      tags: ['compare'],
      querystring: Type.Object(sidesQuery),
      response: { 200: described(compareSummarySchema, 'the comparison (CompareSummary)'), ...errors(400, 404) },
    },
  }, async (req) => compare.summary(sidesOf(req.query)));

  app.get('/api/compare/fs', {
    schema: {
      summary: 'One page of a folder of the tree of differences (ComparePage): its changed entries, and the folders holding changes '
        + '(change null, changesBelow, bytesBelowA/B); unchanged=1 lists the entries alike on both sides too; kinds filters, '
        + `sort=delta orders by bytes changed at and below an entry, largest first. ${SIDES} `
        + 'A path absent on both sides is 404, one that is a folder on neither side 400 (NOT_A_DIRECTORY), as with /api/images/:id/fs.',
      tags: ['compare'],
      querystring: Type.Object({
        ...sidesQuery,
        path: Type.Optional(pathQuery),
        ...pageQuery,
        sort: Type.Optional(StringEnum(['name', 'delta'])),
        unchanged: flag({ description: 'list the entries without any change too' }),
      }),
      response: { 200: described(comparePageSchema, 'one page of the folder (ComparePage)'), ...errors(400, 404) },
    },
  }, async (req) => {
    const q = req.query;
    return compare.folderPage(sidesOf(q), { ...pageOf(q), path: q.path ?? '/', sort: q.sort ?? 'name', unchanged: isOn(q.unchanged) });
  });

  app.get('/api/compare/changes', {
    schema: {
      summary: 'One page of every changed path in tree order (ComparePage): kinds filters, path keeps that folder and what is below it, '
        + `q a substring of the path (ASCII letters in any case). ${SIDES} A path absent on both sides is 404, one that is a folder on neither side 400.`,
      tags: ['compare'],
      querystring: Type.Object({
        ...sidesQuery,
        ...pageQuery,
        path: Type.Optional(Type.String({ minLength: 1, maxLength: 65536 })),
        q: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
      }),
      response: { 200: described(comparePageSchema, 'one page of the changes (ComparePage)'), ...errors(400, 404) },
    },
  }, async (req) => {
    const q = req.query;
    return compare.changesPage(sidesOf(q), { ...pageOf(q), path: q.path, q: q.q });
  });

  app.get('/api/compare/packages', {
    schema: {
      summary: 'The packages the sides differ by (ComparePackages): added, removed, upgraded, downgraded (each ecosystem\'s own version order), '
        + `with both versions, the layer that installed each and the size change; a side as of a layer has the versions its layers 0..N leave. ${SIDES}`,
      tags: ['compare'],
      querystring: Type.Object(sidesQuery),
      response: { 200: described(comparePackagesSchema, 'the package differences (ComparePackages)'), ...errors(400, 404) },
    },
  }, async (req) => packages.changes(sidesOf(req.query)));
}
