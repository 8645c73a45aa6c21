import type { Fill } from './content.js';
import type { ImageFacts } from './facts.js';

/** One entry of a planned layer. Whiteouts and opaque markers name the path they act on. */
export type PlanEntry =
  | { type: 'dir'; path: string }
  | { type: 'file'; path: string; size: number; fill: Fill; mode: number }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'hardlink'; path: string; target: string }
  | { type: 'whiteout'; path: string }
  | { type: 'opaque'; path: string };

export interface LayerPlan {
  gzip: boolean;
  /** zlib level of a gzip layer (default 6). */
  gzipLevel?: number;
  createdBy: string;
  /** The entries in tar order; may be generated afresh on each iteration (images of millions of entries). */
  entries: Iterable<PlanEntry>;
}

export interface ImagePlan {
  name: string;
  tag: string;
  layers: LayerPlan[];
  /** What imageFacts would read off the entries, for plans too large to hold them. */
  facts?: Omit<ImageFacts, 'largestLayer'>;
}

const parentOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

/**
 * Builds one layer's entry list the way Docker's layer writer lays it out: every entry's parent
 * directories come before it (a layer carries the directories of what it changes).
 */
export class LayerBuilder {
  readonly entries: PlanEntry[] = [];
  readonly files: string[] = [];
  private readonly dirs = new Set<string>();
  bytes = 0;

  constructor(readonly gzip: boolean, readonly createdBy: string) {}

  dir(path: string): void {
    if (path === '' || this.dirs.has(path)) return;
    this.dir(parentOf(path));
    this.dirs.add(path);
    this.entries.push({ type: 'dir', path });
  }

  file(path: string, size: number, fill: Fill, mode = 0o644): void {
    this.dir(parentOf(path));
    this.entries.push({ type: 'file', path, size, fill, mode });
    this.files.push(path);
    this.bytes += size;
  }

  symlink(path: string, target: string): void {
    this.dir(parentOf(path));
    this.entries.push({ type: 'symlink', path, target });
  }

  hardlink(path: string, target: string): void {
    this.dir(parentOf(path));
    this.entries.push({ type: 'hardlink', path, target });
  }

  whiteout(path: string): void {
    this.dir(parentOf(path));
    this.entries.push({ type: 'whiteout', path });
  }

  opaque(dir: string): void {
    this.dir(dir);
    this.entries.push({ type: 'opaque', path: dir });
  }

  plan(): LayerPlan {
    return { gzip: this.gzip, createdBy: this.createdBy, entries: this.entries };
  }
}
