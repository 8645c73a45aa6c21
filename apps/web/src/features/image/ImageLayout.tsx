import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { links } from '../../app/links.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { TabNav } from '../../components/TabNav.js';
import { formatSize } from '../../lib/format-size.js';
import { ApiError } from '../../lib/api-client.js';
import { formatDateTime } from '../../lib/format-time.js';
import { pendingCount, useDraft } from '../draft/index.js';
import { ExportButton, ExportDialogProvider } from '../export/index.js';
import { ImageContext, platformLabel, useImage } from '../images/index.js';
import { PlatformSwitcher } from './PlatformSwitcher.js';
import { ProblemList } from './ProblemList.js';

export type ImageTab = 'layers' | 'files' | 'config' | 'archive' | 'draft' | 'findings' | 'packages';

/** The frame of every image page: what the image is, and tabs to its views. */
export function ImageLayout({ id, tab, children }: { id: string; tab: ImageTab; children: ReactNode }) {
  const image = useImage(id);
  // Fetched beside the image: the tabs count its changes and the Files tab shows it applied.
  const draft = useDraft(id);
  if (image.isPending) {
    // Same height as the real header and tabs, so nothing moves when the image arrives.
    return (
      <main className="image-page">
        <div className="image-header placeholder">
          <Loading lines={2} label="Loading image" />
        </div>
        <div className="tab-nav placeholder" />
      </main>
    );
  }
  if (image.isError) {
    if (image.error instanceof ApiError && image.error.status === 404) return <MissingImage id={id} />;
    return (
      <main className="image-page">
        <ErrorNote error={image.error} title="Could not open this image" onRetry={() => image.refetch()} />
        <p className="image-page-back">
          <Link href={links.home()}>Back to the image list</Link>
        </p>
      </main>
    );
  }
  const detail = image.data;
  const created = typeof detail.config.created === 'string' ? detail.config.created : null;
  const pending = draft.data ? pendingCount(draft.data) : 0;
  return (
    <ImageContext.Provider value={detail}>
      <ExportDialogProvider image={detail} draft={draft.data} pending={pending}>
        <main className="image-page">
          <header className="image-header">
            <div className="image-title">
              <h1>{detail.name}</h1>
              {detail.tags.map((tag) => (
                <span key={tag} className="tag">
                  {tag}
                </span>
              ))}
            </div>
            <dl className="image-facts">
              <div>
                <dt>Platform</dt>
                <dd>{platformLabel(detail.platform)}</dd>
              </div>
              <div>
                <dt>Size</dt>
                <dd>{formatSize(detail.size)}</dd>
              </div>
              <div>
                <dt>Layers</dt>
                <dd>{detail.layers.length}</dd>
              </div>
              <div>
                <dt>Format</dt>
                <dd>{detail.format}</dd>
              </div>
              <div>
                <dt>Built</dt>
                <dd>{formatDateTime(created)}</dd>
              </div>
            </dl>
            <PlatformSwitcher image={detail} />
            <Link href={links.compare({ a: detail.id })} className="button">
              Compare with…
            </Link>
            <ExportButton imageId={detail.id} />
          </header>
          <TabNav
            label="Image views"
            items={[
              { label: 'Layers', href: links.layers(id), active: tab === 'layers', count: detail.layers.length },
              { label: 'Files', href: links.files(id), active: tab === 'files' },
              { label: 'Config', href: links.config(id), active: tab === 'config' },
              { label: 'Archive', href: links.archive(id), active: tab === 'archive' },
              { label: 'Findings', href: links.findings(id), active: tab === 'findings' },
              { label: 'Packages', href: links.packages(id), active: tab === 'packages' },
              { label: 'Draft', href: links.draft(id), active: tab === 'draft', count: pending > 0 ? pending : undefined },
            ]}
          />
          <ProblemList problems={detail.problems} />
          <div className="image-body">{children}</div>
        </main>
      </ExportDialogProvider>
    </ImageContext.Provider>
  );
}

/** An address naming an image Peel does not hold: say so, and lead back to the ones it does. */
function MissingImage({ id }: { id: string }) {
  return (
    <main className="home missing-image">
      <h1>This image is not in Peel</h1>
      <p>
        No stored image has the id <code className="mono">{id}</code>. It may have been deleted, or the address was copied incompletely (an image id is 16 hexadecimal characters).
      </p>
      <p>
        <Link href={links.home()} className="button primary">
          Back to the image list
        </Link>
      </p>
    </main>
  );
}
