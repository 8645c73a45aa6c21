import type { ComparePackages } from '@peel/api';
import { comparePackages } from '@peel/engine';
import type { CompareRequest, CompareService, ResolvedSide } from './compare.js';
import type { PackagesService } from './packages.js';

/**
 * The packages two sides differ by (the engine's comparePackages over each image's inventory).
 * A draft side has its image's packages: a draft's edits to a package database are not read.
 */
export class ComparePackagesService {
  constructor(private readonly compare: CompareService, private readonly packages: PackagesService) {}

  async changes(req: CompareRequest): Promise<ComparePackages> {
    const [a, b] = await this.compare.sides(req);
    const [inA, inB] = await Promise.all([this.packages.list(a.image.id), this.packages.list(b.image.id)]);
    const result = comparePackages(
      { packages: inA.packages, top: topOf(a), whole: a.asOf === null },
      { packages: inB.packages, top: topOf(b), whole: b.asOf === null },
    );
    const warnings = [...inA.warnings.map((w) => `A: ${w}`), ...(a.image.id === b.image.id ? [] : inB.warnings.map((w) => `B: ${w}`))];
    for (const [letter, s] of [['A', a], ['B', b]] as const) {
      if (s.draft && s.draft.ops.length > 0) warnings.push(`${letter} is a draft: its packages are its image's (edits to a package database are not read before an export)`);
    }
    return { ...result, warnings };
  }
}

/** A draft side's extra layer holds no database change the inventory knows of. */
const topOf = (s: ResolvedSide) => Math.min(s.top, s.layers.length - 1);
