import type { FsEntry } from '@peel/api';
import { ErrorNote } from '../../components/ErrorNote.js';
import { formatSize } from '../../lib/format-size.js';
import { formatDateTime } from '../../lib/format-time.js';
import { modeString } from '../../lib/mode-string.js';
import { useEntryVersions } from '../fs/index.js';

/** Finds one path's entry in one layer's own tree (a lookup by name, not a listing of its folder). */
export function useLayerEntry(imageId: string, layer: number, path: string) {
  const found = useEntryVersions({ imageId, layer }, path);
  const entry = found.data?.find((e) => e.path === path && e.type !== 'whiteout');
  return { ...found, entry };
}

const FIELDS: Array<[string, (e: FsEntry) => string]> = [
  ['Type', (e) => e.type],
  ['Size', (e) => formatSize(e.size)],
  ['Permissions', (e) => modeString(e.type, e.mode)],
  ['Owner', (e) => `${e.uid}:${e.gid}`],
  ['Modified', (e) => formatDateTime(e.mtime)],
  ['Link target', (e) => e.linkTarget ?? '–'],
];

/** Before and after of a modified path's metadata, with the differences marked. */
export function MetadataChange({ imageId, path, oldLayer, newLayer }: { imageId: string; path: string; oldLayer: number; newLayer: number }) {
  const before = useLayerEntry(imageId, oldLayer, path);
  const after = useLayerEntry(imageId, newLayer, path);
  if (before.isError || after.isError) return <ErrorNote compact error={before.error ?? after.error} title="Could not read the metadata" />;
  if (!before.entry || !after.entry) return null;
  const rows = FIELDS.map(([label, get]) => ({ label, old: get(before.entry as FsEntry), now: get(after.entry as FsEntry) }));
  return (
    <table className="meta-diff">
      <thead>
        <tr>
          <th scope="col" />
          <th scope="col">Layer {oldLayer}</th>
          <th scope="col">Layer {newLayer}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.label} className={row.old !== row.now ? 'changed' : undefined}>
            <th scope="row">{row.label}</th>
            <td className="mono">{row.old}</td>
            <td className="mono">{row.now}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
