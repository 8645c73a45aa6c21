import { useState } from 'react';
import { useQueries } from '@tanstack/react-query';
import { looksLikeText } from '../../lib/binary.js';
import { formatSize } from '../../lib/format-size.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { type ContentLayer, contentPageQueryOptions, useContentPage } from './api/get-content.js';
import { decodePages } from './decode-pages.js';
import { HexView } from './HexView.js';
import { LANGUAGE_LABELS } from './language.js';
import { languageIdFor } from './language-id.js';
import { TextView } from './TextView.js';

/** Text is loaded in pages of this size; "Load more" appends the next one. */
const TEXT_PAGE = 256 * 1024;
/** A hex dump shows at most this much at once, to keep the scroll height within browser limits. */
const HEX_WINDOW = 16 * 1024 * 1024;

interface Props {
  imageId: string;
  path: string;
  /** Read the file from this layer's own tree; merged filesystem when undefined. */
  layer?: ContentLayer;
  name: string;
}

/** Shows a file from an image: highlighted text, or a hex dump for binary data, paged. */
export function FileViewer({ imageId, path, layer, name }: Props) {
  const first = useContentPage(imageId, path, layer, 0, TEXT_PAGE);
  const [mode, setMode] = useState<'auto' | 'text' | 'hex'>('auto');
  const [pageCount, setPageCount] = useState(1);
  const [hexWindow, setHexWindow] = useState(0);
  const total = first.data?.total ?? 0;
  const pagesWanted = Math.min(pageCount, Math.max(1, Math.ceil(total / TEXT_PAGE)));
  const more = useQueries({
    queries: Array.from({ length: pagesWanted - 1 }, (_, i) => contentPageQueryOptions(imageId, path, layer, (i + 1) * TEXT_PAGE, TEXT_PAGE)),
  });

  if (first.isPending) return <Loading lines={6} label={`Loading ${name}`} />;
  if (first.isError) return <ErrorNote error={first.error} title={`Could not read ${name}`} onRetry={() => first.refetch()} />;

  const isText = looksLikeText(first.data.bytes);
  const shown = mode === 'auto' ? (isText ? 'text' : 'hex') : mode;
  if (total === 0) return <p className="viewer-note muted">This file is empty (0 bytes).</p>;

  const loadedPages = [first.data, ...more.map((q) => q.data)];
  const contiguous = loadedPages.findIndex((p) => !p);
  const pages = (contiguous === -1 ? loadedPages : loadedPages.slice(0, contiguous)).filter((p) => p !== undefined);
  const loadedBytes = pages.reduce((sum, p) => sum + p.bytes.length, 0);
  const complete = loadedBytes >= total;
  const firstLine = new TextDecoder().decode(first.data.bytes.subarray(0, 200)).split('\n', 1)[0];
  const language = languageIdFor(name, firstLine);
  const windows = Math.ceil(total / HEX_WINDOW);
  const moreError = more.find((q) => q.isError);

  return (
    <div className="file-viewer">
      <div className="viewer-toolbar">
        <div className="segmented" role="group" aria-label="Show as">
          <button type="button" aria-pressed={shown === 'text'} onClick={() => setMode('text')}>
            Text
          </button>
          <button type="button" aria-pressed={shown === 'hex'} onClick={() => setMode('hex')}>
            Hex
          </button>
        </div>
        <span className="muted small">
          {shown === 'text' ? (isText ? LANGUAGE_LABELS[language] : 'Binary shown as text') : 'Binary'} · {formatSize(total)}
          {shown === 'text' && !complete ? ` · first ${formatSize(loadedBytes)} loaded` : ''}
        </span>
        {shown === 'hex' && windows > 1 ? (
          <span className="hex-window-picker">
            <button type="button" className="button small" disabled={hexWindow === 0} onClick={() => setHexWindow(hexWindow - 1)}>
              Previous 16 MB
            </button>
            <span className="small">
              {formatSize(hexWindow * HEX_WINDOW)}–{formatSize(Math.min(total, (hexWindow + 1) * HEX_WINDOW))}
            </span>
            <button type="button" className="button small" disabled={hexWindow >= windows - 1} onClick={() => setHexWindow(hexWindow + 1)}>
              Next 16 MB
            </button>
          </span>
        ) : null}
      </div>
      {moreError ? <ErrorNote compact error={moreError.error} title="Could not load the next page" /> : null}
      <div className="viewer-body">
        {shown === 'text' ? (
          <TextView text={decodePages(pages.map((p) => p.bytes), complete)} language={isText ? language : 'text'} label={`Contents of ${name}`} />
        ) : (
          <HexView
            key={hexWindow}
            imageId={imageId}
            path={path}
            layer={layer}
            windowStart={hexWindow * HEX_WINDOW}
            windowLength={Math.min(HEX_WINDOW, total - hexWindow * HEX_WINDOW)}
          />
        )}
      </div>
      {shown === 'text' && !complete ? (
        <div className="viewer-footer">
          <span className="muted small">
            Showing {formatSize(loadedBytes)} of {formatSize(total)}.
          </span>
          <button type="button" className="button small" disabled={pages.length < pagesWanted} onClick={() => setPageCount(pagesWanted + 1)}>
            Load next {formatSize(TEXT_PAGE)}
          </button>
        </div>
      ) : null}
    </div>
  );
}
