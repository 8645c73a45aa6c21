import { useQuery } from '@tanstack/react-query';
import { Digest } from '../../components/Digest.js';
import { formatBytesExact, formatSize } from '../../lib/format-size.js';
import { useEntryVersions, type FsScope } from '../fs/index.js';
import { getContentPage, type ContentLayer } from '../viewer/index.js';
import type { DiffSide } from './DiffView.js';
import { changesKeys } from './api/query-keys.js';

/** Files up to this size are hashed in the browser when the server gives no digest. */
const HASH_LIMIT = 64 * 1024 * 1024;

/** Where a version's entry is listed: one layer's own tree, the merged filesystem, or the draft's. */
function scopeOf(imageId: string, source: ContentLayer): FsScope {
  if (typeof source === 'number') return { imageId, layer: source };
  return source === 'draft' ? { imageId, draft: true } : { imageId };
}

/** SHA-256 of one version: the server's digest when it has one, else computed here. */
function useVersionHash(imageId: string, path: string, source: ContentLayer, size: number) {
  const found = useEntryVersions(scopeOf(imageId, source), path);
  const entry = found.data?.find((e) => e.path === path && e.type !== 'whiteout');
  const fromServer = entry?.digest ?? null;
  const computed = useQuery({
    // Draft bytes change with every save: their hash is not kept forever.
    queryKey: changesKeys.sha256(imageId, source, path, size),
    enabled: entry !== undefined && !fromServer && size <= HASH_LIMIT,
    staleTime: source === 'draft' ? 0 : Number.POSITIVE_INFINITY,
    queryFn: async () => {
      const page = await getContentPage(imageId, path, source, 0, Math.max(1, size));
      const digest = await crypto.subtle.digest('SHA-256', page.bytes as Uint8Array<ArrayBuffer>);
      return `sha256:${Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')}`;
    },
  });
  return fromServer ?? computed.data ?? null;
}

interface Props {
  imageId: string;
  path: string;
  before: DiffSide;
  after: DiffSide;
  oldSize: number;
  newSize: number;
}

/** A binary (or very large) file's change: size before and after, and whether the bytes differ. */
export function BinaryChange({ imageId, path, before, after, oldSize, newSize }: Props) {
  const oldHash = useVersionHash(imageId, path, before.source, oldSize);
  const newHash = useVersionHash(imageId, path, after.source, newSize);
  const delta = newSize - oldSize;
  return (
    <div className="binary-change">
      <p className="muted small">Binary or large file: compared by size and hash.</p>
      <table className="meta-diff">
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">{before.label}</th>
            <th scope="col">{after.label}</th>
          </tr>
        </thead>
        <tbody>
          <tr className={delta !== 0 ? 'changed' : undefined}>
            <th scope="row">Size</th>
            <td title={formatBytesExact(oldSize)}>{formatSize(oldSize)}</td>
            <td title={formatBytesExact(newSize)}>
              {formatSize(newSize)}{' '}
              <span className={delta > 0 ? 'diff-add' : delta < 0 ? 'diff-del' : 'muted'}>
                ({delta > 0 ? '+' : delta < 0 ? '−' : '±'}
                {formatSize(Math.abs(delta))})
              </span>
            </td>
          </tr>
          <tr className={oldHash && newHash && oldHash !== newHash ? 'changed' : undefined}>
            <th scope="row">SHA-256</th>
            <td>{oldHash ? <Digest value={oldHash} /> : <span className="muted">{oldSize > HASH_LIMIT ? 'too large to hash here' : 'computing…'}</span>}</td>
            <td>{newHash ? <Digest value={newHash} /> : <span className="muted">{newSize > HASH_LIMIT ? 'too large to hash here' : 'computing…'}</span>}</td>
          </tr>
        </tbody>
      </table>
      {oldHash && newHash ? <p className="small">{oldHash === newHash ? 'The bytes are identical.' : 'The bytes differ.'}</p> : null}
    </div>
  );
}
