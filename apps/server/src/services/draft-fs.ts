import type { FsEntry } from '@peel/api';
import { openEntryContent, type BlobStore, type DraftNode, type DraftView } from '@peel/engine';
import type { FsRepo } from '../store/fs-repo.js';
import { joinPath, toApiPath, toEnginePath } from '../store/image-path.js';
import { badRequest, notFound } from '../errors.js';
import { viewOf, type DraftContext, type DraftLoader } from './draft-context.js';
import { resolveDraftPath } from './draft-resolve.js';
import { nodeEntry, shadowedEntry } from './entries.js';
import type { ContentHandle } from './content.js';

/**
 * The explorer's view of a draft (`draft=1`): folders as the draft leaves them, with edited
 * entries marked, and the draft's bytes of a file. Untouched entries are shown exactly as the
 * plain listing shows them.
 */
export class DraftFsService {
  constructor(private readonly store: BlobStore, private readonly loader: DraftLoader, private readonly fsRepo: FsRepo) {}

  list(id: string, apiPath: string, opts: { deleted?: boolean }): FsEntry[] {
    const ctx = this.loader.load(id);
    const view = viewOf(ctx);
    const dir = resolveDraftPath(view, toEnginePath(apiPath), true);
    if (dir !== '') {
      const node = view.get(dir);
      if (!node) throw notFound(`no ${apiPath} in the draft of image ${id}`);
      if (node.type !== 'dir') throw badRequest('NOT_A_DIRECTORY', `${apiPath} is a ${node.type}, not a directory`);
    }
    const touched = touchedDirs(ctx);
    const newLayer = ctx.layers.length;
    const entries = view.children(dir).map((n) => this.entry(ctx, view, n, touched, newLayer));
    if (!opts.deleted) return entries.sort(byName);
    const present = new Set(entries.map((e) => e.name));
    const removed = ctx.lookup.children(dir).filter((n) => !present.has(n.name)).map((n) => {
      const row = ctx.lookup.row(n.path)!;
      return { ...nodeEntry(row), deletedBy: newLayer, edited: true };
    });
    const shadowed = view.isHidden(joinPath(dir, '_')) ? [] : this.fsRepo.shadowedIn(ctx.image.key, dir).map(shadowedEntry);
    return [...entries, ...removed, ...shadowed].sort(byName);
  }

  file(id: string, apiPath: string): ContentHandle {
    const ctx = this.loader.load(id);
    const view = viewOf(ctx);
    const path = resolveDraftPath(view, toEnginePath(apiPath), true);
    if (path === '') throw badRequest('NOT_A_FILE', '/ is a directory');
    const node = view.get(path);
    if (!node) throw notFound(`no ${apiPath} in the draft of image ${id}`);
    const name = node.name;
    const source = node.source;
    if (source.kind === 'blob') {
      return { name, size: node.size, digest: source.blob, open: (range) => this.store.open(source.blob, range) };
    }
    if (source.kind === 'image') {
      const tarBlob = ctx.lookup.tarBlob(source.layer);
      return { name, size: source.entry.size, digest: source.entry.digest, open: (range) => openEntryContent(this.store, tarBlob, source.entry, range) };
    }
    throw badRequest('NOT_A_FILE', `${apiPath} is a ${node.type}, not a file`);
  }

  private entry(ctx: DraftContext, view: DraftView, n: DraftNode, touched: Set<string>, newLayer: number): FsEntry {
    const row = n.edited || n.layer === null ? undefined : ctx.lookup.row(n.path);
    const e: FsEntry = row ? nodeEntry(row) : draftEntry(n, newLayer);
    if (n.type === 'dir' && (n.edited || touched.has(n.path) || !row)) e.childCount = view.children(n.path).length;
    return e;
  }
}

function draftEntry(n: DraftNode, newLayer: number): FsEntry {
  return {
    name: n.name,
    path: toApiPath(n.path),
    type: n.type,
    mode: n.mode,
    uid: n.uid,
    gid: n.gid,
    size: n.size,
    mtime: n.mtime,
    linkTarget: n.linkTarget,
    layer: n.edited || n.layer === null ? newLayer : n.layer,
    digest: n.source.kind === 'blob' ? n.source.blob : n.source.kind === 'image' ? n.source.entry.digest : null,
    devMajor: n.devMajor,
    devMinor: n.devMinor,
    xattrs: n.xattrs,
    edited: true,
  };
}

/** Folders whose listing the draft may change: every parent of a path an op names. */
function touchedDirs(ctx: DraftContext): Set<string> {
  const out = new Set<string>();
  const add = (path: string) => {
    for (let p = path; p !== ''; ) {
      p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
      out.add(p);
    }
  };
  for (const { op } of ctx.ops) {
    if (op.op === 'rename') {
      add(op.from);
      add(op.to);
    } else add(op.path);
  }
  return out;
}

const byName = (a: FsEntry, b: FsEntry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : (a.deletedBy ?? a.overwrittenBy ?? -1) - (b.deletedBy ?? b.overwrittenBy ?? -1));
