import { useSearchParams } from 'wouter';
import { links } from '../../app/links.js';
import { useCurrentImage } from '../image/image-context.js';
import { readFilesParams } from './files-params.js';
import { FilesView } from './FilesView.js';

/** The final filesystem: what a container of this image starts with. */
export function MergedFilesPage() {
  const image = useCurrentImage();
  const [search] = useSearchParams();
  const params = readFilesParams(search);
  return (
    <FilesView
      scope={{ imageId: image.id, deleted: params.deleted }}
      params={params}
      makeUrl={(p) => links.files(image.id, p)}
      label="Merged filesystem"
    />
  );
}
