import type { FindingsResponse, SizedPath as ApiSizedPath, SizeTreeNode as ApiTreeNode } from '@peel/api';
import type { Findings, SizedPath, SizeTreeNode } from '@peel/engine';
import { toApiPath } from '../store/image-path.js';

/** The engine's findings in the API's terms: absolute paths, the image id and when it was computed. */
export function findingsToApi(imageId: string, f: Findings, computedAt: string): FindingsResponse {
  return {
    imageId,
    secrets: f.secrets.map((s) => ({ ...s, path: s.source === 'file' && s.path !== null ? toApiPath(s.path) : s.path })),
    waste: {
      ...f.waste,
      items: f.waste.items.map((i) =>
        i.kind === 'removed' ? { ...i, path: toApiPath(i.path) } : { ...i, copies: i.copies.map((c) => ({ ...c, path: toApiPath(c.path) })) }),
    },
    sizes: {
      ...f.sizes,
      layers: f.sizes.layers.map((l) => ({ ...l, biggestFiles: l.biggestFiles.map(sized), biggestDirs: l.biggestDirs.map(sized) })),
      biggestFiles: f.sizes.biggestFiles.map(sized),
      biggestDirs: f.sizes.biggestDirs.map(sized),
      tree: treeNode(f.sizes.tree),
    },
    base: f.base,
    scan: f.scan,
    computedAt,
  };
}

const sized = (p: SizedPath): ApiSizedPath => ({ ...p, path: toApiPath(p.path) });

function treeNode(n: SizeTreeNode): ApiTreeNode {
  const out: ApiTreeNode = { ...n, path: toApiPath(n.path) };
  if (n.children) out.children = n.children.map(treeNode);
  return out;
}
