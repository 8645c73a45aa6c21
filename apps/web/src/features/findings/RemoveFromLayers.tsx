import { Link } from 'wouter';
import { links } from '../../app/links.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useDeleteFromEveryLayer } from '../draft/index.js';
import { exportUrl, useExportDialog } from '../export/index.js';

/**
 * "Remove from all layers": deletes the path in the image's draft (a path only lower layers
 * hold is purged), then points at the rewrite export, the one mode that drops it from every layer.
 * The draft records that it was meant for every layer, so exports choose Rewrite and warn against Append.
 */
export function RemoveFromLayers({ imageId, path }: { imageId: string; path: string }) {
  const remove = useDeleteFromEveryLayer(imageId);
  const dialog = useExportDialog();
  if (remove.isSuccess) {
    return (
      <div className="remove-done" role="status">
        <span>
          <strong>{path}</strong> is deleted in the draft. Only a <em>Rewrite layers</em> export takes it out of every layer:
        </span>
        <a className="button small primary" href={exportUrl(imageId, { mode: 'rewrite' })} download>
          Download rewritten image
        </a>
        <button type="button" className="button small" onClick={dialog.open}>
          Export…
        </button>
        <Link href={links.draft(imageId)}>Review the draft</Link>
      </div>
    );
  }
  return (
    <div className="remove-action">
      <button type="button" className="button small danger" disabled={remove.isPending} onClick={() => remove.mutate(path)}>
        {remove.isPending ? 'Removing…' : 'Remove from all layers'}
      </button>
      {remove.isError ? (
        <>
          <ErrorNote error={remove.error} title={`Could not delete ${path} in the draft`} compact />
          <button type="button" className="button small" onClick={dialog.open}>
            Open the export dialog
          </button>
        </>
      ) : null}
    </div>
  );
}
