import type { ImagePackage, PackageEcosystem, PackageSort, PackagesPage, PackagesResponse } from '@peel/api';
import { findPackages, type BlobFiles, type BlobStore } from '@peel/engine';
import type { Store } from '../store/index.js';
import type { FsPageService } from './fs-pages.js';
import type { ImagesService } from './images.js';
import { Memo } from './memo.js';
import { StoredPackageImage } from './package-image.js';
import { decodeCursor, encodeCursor, KEY_SHAPES } from './page-key.js';
import { lowerAscii } from './search-text.js';

/**
 * Inventories kept in memory. One of 3,000 packages weighs about a megabyte; an image never
 * changes and its id is its content, so a kept inventory never goes stale, and one forgotten
 * (or lost with the process) is computed again on request.
 */
const INVENTORIES_KEPT = 32;

export interface PackagesPageRequest {
  limit: number;
  cursor?: string;
  sort: PackageSort;
  /** Substring of the name (ASCII case-insensitive). */
  q?: string;
  /** Only packages installed, upgraded or removed in this layer. */
  layer?: number;
  /** Only these ecosystems (none: all). */
  ecosystems?: PackageEcosystem[];
}

/** An image's inventory with its packages in each order a page can ask for. */
interface Inventory {
  response: PackagesResponse;
  sorted: Record<PackageSort, ImagePackage[]>;
}

/**
 * The packages an image's databases list, attributed to layers (the engine's findPackages over
 * the stored index). Computed on the first request, not at ingest: an upload is explorable as
 * soon as it is indexed, and most images are never asked; kept in memory per image (bounded,
 * see INVENTORIES_KEPT), concurrent first requests sharing one computation, dropped when the
 * image is deleted.
 */
export class PackagesService {
  private readonly inventories = new Memo<Inventory>(INVENTORIES_KEPT);

  constructor(
    private readonly index: Store,
    private readonly blobs: BlobStore & BlobFiles,
    private readonly images: ImagesService,
    private readonly pages: FsPageService,
  ) {
    images.onDelete((id) => this.inventories.forget(id));
  }

  async get(id: string): Promise<PackagesResponse> {
    return (await this.inventory(id)).response;
  }

  async page(id: string, req: PackagesPageRequest): Promise<PackagesPage> {
    const { response, sorted } = await this.inventory(id);
    const order = sorted[req.sort];
    const q = req.q === undefined ? null : lowerAscii(req.q);
    const keep = (p: ImagePackage) => (q === null || lowerAscii(p.name).includes(q))
      && (req.layer === undefined || p.layer === req.layer || p.removedIn === req.layer || p.upgrades.some((u) => u.layer === req.layer))
      && (req.ecosystems === undefined || req.ecosystems.includes(p.ecosystem));
    const start = req.cursor === undefined ? 0 : (decodeCursor(KEY_SHAPES.packages, req.cursor)[0] as number) + 1;
    const items: ImagePackage[] = [];
    let total = 0;
    let last = -1;
    for (let i = 0; i < order.length; i++) {
      if (!keep(order[i])) continue;
      total++;
      if (i >= start && items.length < req.limit) {
        items.push(order[i]);
        last = i;
      }
    }
    const more = items.length === req.limit && order.slice(last + 1).some(keep);
    const { layers, unowned, warnings } = response;
    return { items, total, next: more ? encodeCursor(KEY_SHAPES.packages, [last]) : null, layers, unowned, warnings };
  }

  private async inventory(id: string): Promise<Inventory> {
    // Asked of the store each time: an image deleted by another process is gone here too.
    const image = await this.images.require(id);
    return this.inventories.get(image.id, async () => {
      const layers = await this.index.images.layers(image.id);
      const source = new StoredPackageImage(this.index, this.blobs, this.pages, image, layers);
      let response: PackagesResponse;
      try {
        response = await findPackages(source);
      } finally {
        await source.close();
      }
      const byName = [...response.packages].sort(byNameOrder);
      const bySize = [...byName].sort((a, b) => b.size - a.size);
      return { response, sorted: { name: byName, size: bySize } };
    });
  }
}

const cmp = (a: string | null, b: string | null): number => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

/** Name, then what tells packages of one name apart (another ecosystem, architecture, version or database). */
function byNameOrder(a: ImagePackage, b: ImagePackage): number {
  return cmp(a.name, b.name) || cmp(a.ecosystem, b.ecosystem) || cmp(a.arch, b.arch) || cmp(a.version, b.version) || cmp(a.database, b.database) || a.layer - b.layer;
}
