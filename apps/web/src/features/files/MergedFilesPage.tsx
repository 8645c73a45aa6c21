import { Link, useSearchParams } from 'wouter';
import { links } from '../../app/links.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { useDraft } from '../draft/index.js';
import { useCurrentImage } from '../images/index.js';
import { readFilesParams } from './files-params.js';
import { FilesView } from './FilesView.js';

/**
 * The final filesystem: what a container of this image starts with. When the image has pending
 * file edits, it shows them applied (edited entries marked, what they deleted listed with the
 * deleted files).
 */
export function MergedFilesPage() {
  const image = useCurrentImage();
  const [search] = useSearchParams();
  const params = readFilesParams(search);
  const draft = useDraft(image.id);
  // Wait for the draft so the tree is fetched once, in the right view.
  if (draft.isPending) return <Loading lines={8} label="Loading the draft" />;
  const fileEdits = draft.data?.ops.length ?? 0;
  const note = draft.isError ? (
    <ErrorNote compact error={draft.error} title="Could not read this image's draft; showing the image as stored" />
  ) : fileEdits > 0 ? (
    <p className="tree-note small">
      Showing the draft's {fileEdits} pending {fileEdits === 1 ? 'edit' : 'edits'} applied; edited entries are marked. <Link href={links.draft(image.id)}>Review the draft</Link>
    </p>
  ) : null;
  return (
    <FilesView
      scope={{ imageId: image.id, deleted: params.deleted, draft: fileEdits > 0 }}
      params={params}
      makeUrl={(p) => links.files(image.id, p)}
      label="Merged filesystem"
      editable
      note={note}
    />
  );
}
