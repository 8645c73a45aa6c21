import { Link } from 'wouter';
import { links } from '../../app/links.js';
import { useExportDialog } from './export-dialog-context.js';

/** The image header's way out: how many edits are pending, and the Export button. */
export function ExportButton({ imageId }: { imageId: string }) {
  const dialog = useExportDialog();
  const count = dialog.pending;
  return (
    <div className="export-actions">
      {count > 0 ? (
        <Link href={links.draft(imageId)} className="draft-chip" title="Review the pending changes">
          {count} pending {count === 1 ? 'change' : 'changes'}
        </Link>
      ) : null}
      <button type="button" className="button primary" onClick={dialog.open}>
        Export
      </button>
    </div>
  );
}
