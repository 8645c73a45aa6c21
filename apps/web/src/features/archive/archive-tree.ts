import type { ArchiveEntry } from '@peel/api';

export interface ArchiveNode {
  name: string;
  path: string;
  entry: ArchiveEntry | null;
  children: ArchiveNode[];
}

/** Normalises an archive path: no leading "./" or "/", no trailing "/". */
export function cleanArchivePath(path: string): string {
  return path.replace(/^(\.\/)+/, '').replace(/^\/+/, '').replace(/\/+$/, '');
}

/**
 * The archive's flat entry list as a tree. Directories that the tar never listed on their own
 * (common in `docker save` output) are filled in.
 */
export function buildArchiveTree(entries: ArchiveEntry[]): ArchiveNode[] {
  const root: ArchiveNode = { name: '', path: '', entry: null, children: [] };
  const index = new Map<string, ArchiveNode>([['', root]]);
  const nodeFor = (path: string): ArchiveNode => {
    const existing = index.get(path);
    if (existing) return existing;
    const cut = path.lastIndexOf('/');
    const parent = nodeFor(cut < 0 ? '' : path.slice(0, cut));
    const node: ArchiveNode = { name: path.slice(cut + 1), path, entry: null, children: [] };
    parent.children.push(node);
    index.set(path, node);
    return node;
  };
  for (const entry of entries) {
    const path = cleanArchivePath(entry.path);
    if (path === '' || path === '.') continue;
    nodeFor(path).entry = entry;
  }
  sortByRole(root.children);
  return root.children;
}

/**
 * The order a reader wants an archive in: what describes the image (manifest.json, index.json,
 * oci-layout, repositories, then nested indexes and manifests), then configs, then layers, then
 * the rest; so manifest.json is not found below a dozen hash-named layer folders.
 */
const ROLE_ORDER = ['manifest.json', 'index.json', 'oci-layout', 'repositories', 'index', 'manifest', 'config', 'attestation', 'layer', 'legacy-json', 'version'];

function roleRank(role: string): number {
  const rank = ROLE_ORDER.indexOf(role);
  return rank < 0 ? ROLE_ORDER.length : rank;
}

/** Sorts each level by role rank (a folder ranks as the best file inside it), then by name; returns the level's best rank. */
function sortByRole(nodes: ArchiveNode[]): number {
  const rank = new Map<ArchiveNode, number>();
  for (const node of nodes) {
    const own = node.entry && node.children.length === 0 ? roleRank(node.entry.role) : ROLE_ORDER.length;
    rank.set(node, Math.min(own, node.children.length ? sortByRole(node.children) : ROLE_ORDER.length));
  }
  nodes.sort((a, b) => rank.get(a)! - rank.get(b)! || a.name.localeCompare(b.name));
  return Math.min(ROLE_ORDER.length, ...rank.values());
}

const ROLE_TONE: Record<string, 'accent' | 'added' | 'modified' | 'neutral' | 'warning'> = {
  layer: 'added',
  config: 'accent',
  manifest: 'modified',
  index: 'modified',
  'manifest.json': 'modified',
  'index.json': 'modified',
  attestation: 'warning',
};

/** The colour of a role badge. */
export function roleTone(role: string) {
  return ROLE_TONE[role] ?? 'neutral';
}

/** Whether an entry's bytes are JSON worth showing in the JSON viewer. */
export function isJsonRole(entry: ArchiveEntry): boolean {
  return ['manifest.json', 'index.json', 'oci-layout', 'repositories', 'index', 'manifest', 'config', 'attestation', 'legacy-json'].includes(entry.role)
    || /\.json$/i.test(entry.path)
    || (entry.mediaType ?? '').includes('json');
}
