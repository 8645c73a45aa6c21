import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { PackageEcosystem } from '@peel/api';
import { StringEnum, packagesPageSchema, packagesResponseSchema } from '@peel/api/schemas';
import { badRequest } from '../errors.js';
import type { PackagesService } from '../services/packages.js';
import { limitOf } from './page-params.js';
import { errors, flag, idParams, isOn, layerParam } from './schemas.js';

const ECOSYSTEMS: readonly PackageEcosystem[] = ['deb', 'apk', 'rpm', 'npm', 'pypi'];

export async function packagesRoutes(base: FastifyInstance, { packages }: { packages: PackagesService }): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/images/:id/packages', {
    schema: {
      summary: 'The packages its package databases list (dpkg, node_modules, Python dist-info), each with the layer that installed, upgraded or removed it, '
        + 'its size in the final filesystem; per-layer counts; the files no package owns; warnings for what could not be read. '
        + 'Computed on first request, then kept. paged=1: one page (PackagesPage), filtered by q (a substring of the name), '
        + 'layer (installed, upgraded or removed there) and ecosystem (comma-separated), sorted by name or by size (largest first).',
      tags: ['packages'],
      params: idParams,
      querystring: Type.Object({
        paged: flag(),
        q: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
        layer: Type.Optional(layerParam),
        ecosystem: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        sort: Type.Optional(StringEnum(['name', 'size'])),
        limit: Type.Optional(Type.Integer()),
        cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
      }),
      response: {
        200: Type.Union([packagesResponseSchema, packagesPageSchema], { description: 'every package (PackagesResponse), or with paged=1 one page of them (PackagesPage)' }),
        ...errors(400, 404),
      },
    },
  }, async (req) => {
    const q = req.query;
    if (!isOn(q.paged)) {
      const extra = (['q', 'layer', 'ecosystem', 'sort', 'limit', 'cursor'] as const).filter((k) => q[k] !== undefined);
      if (extra.length > 0) throw badRequest('BAD_QUERY', `${extra.join(', ')} page the packages list: add paged=1`);
      return packages.get(req.params.id);
    }
    let ecosystems: PackageEcosystem[] | undefined;
    if (q.ecosystem !== undefined) {
      const named = q.ecosystem.split(',').filter((e) => e !== '');
      if (named.length === 0 || named.some((e) => !(ECOSYSTEMS as string[]).includes(e))) {
        throw badRequest('BAD_QUERY', `ecosystem is a comma-separated list of ${ECOSYSTEMS.join(', ')} (got "${q.ecosystem}")`);
      }
      ecosystems = ECOSYSTEMS.filter((e) => named.includes(e));
    }
    return packages.page(req.params.id, { limit: limitOf(q.limit), cursor: q.cursor, sort: q.sort ?? 'name', q: q.q, layer: q.layer, ecosystems });
  });
}
