import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ImagePackage, PackageEcosystem, PackageSort, PackagesPage, PackagesProgress, PackagesResponse } from '@peel/api';
import { findPackagesLazily, unownedFiles, type BlobFiles, type BlobStore, type UnownedFiles } from '@peel/engine';
import { notFound } from '../errors.js';
import type { Store } from '../store/index.js';
import type { FsPageService } from './fs-pages.js';
import type { ImagesService } from './images.js';
import { Memo } from './memo.js';
import { StoredPackageImage } from './package-image.js';
import { decodeCursor, encodeCursor, KEY_SHAPES } from './page-key.js';
import { lowerAscii } from './search-text.js';
import { toApiPath, toEnginePath } from '../store/image-path.js';

/**
 * Inventories kept in memory. One of 3,000 packages weighs about a megabyte, its index of which
 * package owns each file some ten more for 100,000 files; an image never
 * changes and its id is its content, so a kept inventory never goes stale, and one forgotten
 * (or lost with the process) is computed again on request.
 */
const INVENTORIES_KEPT = 16;

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
  /** Only the packages owning this file of the final filesystem. */
  path?: string;
}

/** An image's inventory with its packages in each order a page can ask for. */
interface Inventory {
  /** Its `unowned` is null until walked when no package was found (see unowned). */
  found: Omit<PackagesResponse, 'unowned'> & { unowned: UnownedFiles | null };
  /**
   * The walk of the final files of an image without packages (all of them unowned), started by
   * the first request that answers them: the background computation leaves it out.
   */
  unowned: Promise<PackagesResponse> | null;
  /** The last walk failed: the next `progress` lets the request it answers try again (and fail with the error). */
  unownedFailed: boolean;
  sorted: Record<PackageSort, ImagePackage[]>;
  /** The packages owning each owned file of the final filesystem (indexes in `found.packages`), by absolute path. */
  owners: Map<string, number[]>;
}

/** An inventory being computed: how far it has come, and how to drop it. */
interface Computation {
  progress: { layer: number; layers: number };
  abort: AbortController;
  done: Promise<unknown>;
}

/**
 * The packages an image's databases list, attributed to layers (the engine's findPackages over
 * the stored index). Computed in the background after each ingest of this process (see prepare),
 * or on the first request for an image it has not (an image ingested by another process, one
 * forgotten, or stored before this process started: a start does not recompute every image).
 * Kept in memory per image (bounded, see INVENTORIES_KEPT), concurrent requests sharing one
 * computation; dropped, or abandoned while it runs, when the image is deleted.
 */
export class PackagesService {
  private readonly inventories = new Memo<Inventory>(INVENTORIES_KEPT);
  private readonly computing = new Map<string, Computation>();
  /** Images waiting for their computation in the background, in ingest order. */
  private readonly queued = new Set<string>();
  private background: Promise<void> | null = null;
  /** The image the background computation is on (from before its computation is registered). */
  private preparing: { id: string; done: Promise<void> } | null = null;
  /** The failure of an image's last computation, for the next `progress` (a poll would otherwise start it again and again). */
  private readonly failures = new Map<string, unknown>();
  private closed = false;
  /** Walks of unowned files running, waited for by close. */
  private readonly walks = new Set<Promise<unknown>>();

  constructor(
    private readonly index: Store,
    private readonly blobs: BlobStore & BlobFiles,
    private readonly images: ImagesService,
    private readonly pages: FsPageService,
  ) {
    images.onDelete((id) => {
      this.inventories.forget(id);
      this.queued.delete(id);
      this.failures.delete(id);
      this.computing.get(id)?.abort.abort();
    });
  }

  /**
   * Computes an image's inventory in the background, so that it is ready when someone opens the
   * view: one image at a time, in the order asked, each started on a later turn of the event loop
   * than the request that asked (the ingest answers first).
   */
  prepare(id: string): void {
    if (this.closed) return;
    this.queued.add(id);
    this.background ??= this.drain();
  }

  /** Resolves once an image is neither waiting for nor in its background computation. */
  async settled(id: string): Promise<void> {
    while (this.queued.has(id)) await nextTurn();
    if (this.preparing?.id === id) await this.preparing.done;
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        await nextTurn();
        const next = this.queued.values().next();
        if (next.done || this.closed) return;
        // Its failure stays for `progress` (see failures); a deleted image has nothing to compute.
        this.preparing = { id: next.value, done: this.inventory(next.value).then(() => undefined, () => undefined) };
        this.queued.delete(next.value);
        await this.preparing.done;
        this.preparing = null;
      }
    } finally {
      this.background = null;
    }
  }

  /**
   * Null once the image's inventory is ready; while it is being computed, how far it has come
   * (starting the computation if nothing had).
   */
  async progress(id: string): Promise<PackagesProgress | null> {
    const image = await this.images.require(id);
    const failure = this.failures.get(image.id);
    if (failure !== undefined && !this.computing.has(image.id)) {
      this.failures.delete(image.id);
      throw failure;
    }
    const ready = this.inventoryOf(image.id, image.layerCount);
    const running = this.computing.get(image.id);
    if (running) {
      // Awaited by whoever asks next.
      ready.catch(() => undefined);
      return { state: 'computing', ...running.progress };
    }
    const inventory = await ready;
    if (inventory.found.unowned !== null) return null;
    if (inventory.unownedFailed && !inventory.unowned) {
      inventory.unownedFailed = false;
      return null;
    }
    // The answer holds the unowned files: walk them now, and say so meanwhile (the final files
    // are being measured).
    this.responseOf(image.id, inventory).catch(() => undefined);
    return { state: 'computing', layer: image.layerCount, layers: image.layerCount };
  }

  /** Stops the background work (the computations running are abandoned) and waits for it. */
  async close(): Promise<void> {
    this.closed = true;
    this.queued.clear();
    const running = [...this.computing.values()];
    for (const c of running) c.abort.abort();
    await Promise.allSettled([this.background, ...running.map((c) => c.done), ...this.walks]);
  }

  async get(id: string): Promise<PackagesResponse> {
    return this.responseOf(id, await this.inventory(id));
  }

  /** The packages and their databases' warnings, without the files no package owns (no walk of the final files). */
  async list(id: string): Promise<Pick<PackagesResponse, 'packages' | 'warnings'>> {
    const { found } = await this.inventory(id);
    return { packages: found.packages, warnings: found.warnings };
  }

  /** The whole answer, the final files walked first if they were left out. */
  private responseOf(id: string, inventory: Inventory): Promise<PackagesResponse> {
    const { found } = inventory;
    if (found.unowned !== null) return Promise.resolve(found as PackagesResponse);
    if (inventory.unowned) return inventory.unowned;
    const walk = this.walkUnowned(id, found);
    this.walks.add(walk);
    void walk.catch(() => undefined).finally(() => this.walks.delete(walk));
    inventory.unowned = walk.then((response) => {
      inventory.found = response;
      return response;
    }, (e: unknown) => {
      inventory.unowned = null;
      inventory.unownedFailed = true;
      throw e;
    });
    return inventory.unowned;
  }

  private async walkUnowned(id: string, found: Inventory['found']): Promise<PackagesResponse> {
    const image = await this.images.require(id);
    const source = new StoredPackageImage(this.index, this.blobs, this.pages, image, await this.index.images.layers(image.id));
    try {
      const { unowned, warnings } = await unownedFiles(source);
      return { ...found, unowned, warnings: [...found.warnings, ...warnings] };
    } finally {
      await source.close();
    }
  }

  async page(id: string, req: PackagesPageRequest): Promise<PackagesPage> {
    const inventory = await this.inventory(id);
    const { sorted, owners } = inventory;
    const response = await this.responseOf(id, inventory);
    const order = sorted[req.sort];
    const owning = req.path === undefined ? null : new Set((owners.get(toApiPath(toEnginePath(req.path))) ?? []).map((i) => response.packages[i]));
    const q = req.q === undefined ? null : lowerAscii(req.q);
    const keep = (p: ImagePackage) => (q === null || lowerAscii(p.name).includes(q))
      && (req.layer === undefined || p.layer === req.layer || p.removedIn === req.layer || p.upgrades.some((u) => u.layer === req.layer))
      && (req.ecosystems === undefined || req.ecosystems.includes(p.ecosystem))
      && (owning === null || owning.has(p));
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
    return this.inventoryOf(image.id, image.layerCount);
  }

  private inventoryOf(id: string, layers: number): Promise<Inventory> {
    return this.inventories.get(id, () => {
      const computation: Computation = { progress: { layer: 0, layers }, abort: new AbortController(), done: Promise.resolve() };
      this.computing.set(id, computation);
      const done = this.compute(id, computation).then((inventory) => {
        this.failures.delete(id);
        return inventory;
      }, (e: unknown) => {
        if (computation.abort.signal.aborted) throw notFound(`no image ${JSON.stringify(id)}`);
        this.failures.set(id, e);
        throw e;
      }).finally(() => {
        if (this.computing.get(id) === computation) this.computing.delete(id);
      });
      computation.done = done;
      return done;
    });
  }

  private async compute(id: string, { progress, abort }: Computation): Promise<Inventory> {
    const image = await this.images.require(id);
    const layers = await this.index.images.layers(image.id);
    const source = new StoredPackageImage(this.index, this.blobs, this.pages, image, layers);
    const ownedBy = new Map<string, number[]>();
    let found: Inventory['found'];
    try {
      found = await findPackagesLazily(source, {
        signal: abort.signal,
        onLayer: (layer, count) => {
          progress.layer = layer + 1;
          progress.layers = count;
        },
        onOwnedFile: (path, packages) => ownedBy.set(path, [...packages]),
      });
    } finally {
      await source.close();
    }
    const byName = [...found.packages].sort(byNameOrder);
    const bySize = [...byName].sort((a, b) => b.size - a.size);
    return { found, unowned: null, unownedFailed: false, sorted: { name: byName, size: bySize }, owners: ownedBy };
  }
}

const cmp = (a: string | null, b: string | null): number => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

/** Name, then what tells packages of one name apart (another ecosystem, architecture, version or database). */
function byNameOrder(a: ImagePackage, b: ImagePackage): number {
  return cmp(a.name, b.name) || cmp(a.ecosystem, b.ecosystem) || cmp(a.arch, b.arch) || cmp(a.version, b.version) || cmp(a.database, b.database) || a.layer - b.layer;
}
