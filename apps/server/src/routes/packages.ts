import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { PackageEcosystem, PackagesPage, PackagesResponse } from '@peel/api';
import { StringEnum, packagesPageSchema, packagesProgressSchema, packagesResponseSchema } from '@peel/api/schemas';
import { badRequest } from '../errors.js';
import type { PackagesService } from '../services/packages.js';
import { limitOf } from './page-params.js';
import { described, errors, flag, idParams, isOn, layerParam } from './schemas.js';

const ECOSYSTEMS: readonly PackageEcosystem[] = ['deb', 'apk', 'rpm', 'npm', 'pypi'];

export async function packagesRoutes(base: FastifyInstance, { packages }: { packages: PackagesService }): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/images/:id/packages', {
    schema: {
      summary: 'The packages its package databases list (dpkg, node_modules, Python dist-info), each with the layer that installed, upgraded or removed it, '
        + 'its size in the final filesystem; per-layer counts; the files no package owns; warnings for what could not be read. '
        + 'Computed in the background after an ingest (or on the first request), then kept; a request waits for it, '
        + 'or with wait=0 answers 202 with its progress until it is ready. paged=1: one page (PackagesPage), filtered by q (a substring of the name), '
        + 'layer (installed, upgraded or removed there), ecosystem (comma-separated) and path (the packages owning that file), '
        + 'sorted by name or by size (largest first).',
      tags: ['packages'],
      params: idParams,
      querystring: Type.Object({
        paged: flag(),
        wait: flag({ description: '0: while the inventory is being computed, answer 202 with its progress instead of waiting' }),
        q: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
        layer: Type.Optional(layerParam),
        ecosystem: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        path: Type.Optional(Type.String({ minLength: 1, maxLength: 65536, description: 'only the packages owning this file of the final filesystem' })),
        sort: Type.Optional(StringEnum(['name', 'size'])),
        limit: Type.Optional(Type.Integer()),
        cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
      }),
      response: {
        200: Type.Union([packagesResponseSchema, packagesPageSchema], { description: 'every package (PackagesResponse), or with paged=1 one page of them (PackagesPage)' }),
        202: described(packagesProgressSchema, 'wait=0: the inventory is being computed; ask again'),
        ...errors(400, 404),
      },
    },
  }, async (req, reply) => {
    const q = req.query;
    const id = req.params.id;
    // The query is checked first: a bad one is a 400 however far the computation has come.
    let answer: () => Promise<PackagesResponse | PackagesPage>;
    if (!isOn(q.paged)) {
      const extra = (['q', 'layer', 'ecosystem', 'path', 'sort', 'limit', 'cursor'] as const).filter((k) => q[k] !== undefined);
      if (extra.length > 0) throw badRequest('BAD_QUERY', `${extra.join(', ')} page the packages list: add paged=1`);
      answer = () => packages.get(id);
    } else {
      let ecosystems: PackageEcosystem[] | undefined;
      if (q.ecosystem !== undefined) {
        const named = q.ecosystem.split(',').filter((e) => e !== '');
        if (named.length === 0 || named.some((e) => !(ECOSYSTEMS as string[]).includes(e))) {
          throw badRequest('BAD_QUERY', `ecosystem is a comma-separated list of ${ECOSYSTEMS.join(', ')} (got "${q.ecosystem}")`);
        }
        ecosystems = ECOSYSTEMS.filter((e) => named.includes(e));
      }
      const request = { limit: limitOf(q.limit), cursor: q.cursor, sort: q.sort ?? 'name', q: q.q, layer: q.layer, ecosystems, path: q.path } as const;
      answer = () => packages.page(id, request);
    }
    if (q.wait !== undefined && !isOn(q.wait)) {
      const progress = await packages.progress(id);
      if (progress) return reply.status(202).send(progress);
    }
    return answer();
  });
}
