import type { CompareSummary } from '@peel/api';
import { formatBytesExact, formatSize, formatSizeDelta } from '../../lib/format-size.js';

interface Props {
  summary: CompareSummary;
  mtime: boolean;
  onMtimeChange: (show: boolean) => void;
}

function Count({ label, count, bytes, tone }: { label: string; count: number; bytes: string; tone: string }) {
  return (
    <div className={`compare-count tone-${tone}`}>
      <dt>{label}</dt>
      <dd>
        <span className="count-number">{count.toLocaleString('en-US')}</span>
        <span className="muted small">{bytes}</span>
      </dd>
    </div>
  );
}

/** What changed from A to B, in numbers, before any path: kinds, bytes each way, the layers both share. */
export function CompareSummaryView({ summary, mtime, onMtimeChange }: Props) {
  const { fs, layers } = summary;
  const metadataFields = (['mode', 'uid', 'gid', 'mtime', 'xattrs'] as const).filter((f) => fs.metadata[f] > 0).map((f) => `${f} ${fs.metadata[f]}`);
  return (
    <section className="compare-summary" aria-label="Summary">
      {summary.identical ? (
        <p className="compare-identical" role="status">
          A and B are identical: no file, config or history difference{fs.mtimeOnly.count > 0 && !mtime ? ' (mtime-only changes aside)' : ''}.
        </p>
      ) : null}
      <dl className="compare-counts">
        <Count label="Added" count={fs.added.count} bytes={formatSize(fs.added.bytes)} tone="added" />
        <Count label="Removed" count={fs.removed.count} bytes={formatSize(fs.removed.bytes)} tone="deleted" />
        <Count label="Modified" count={fs.modified.count} bytes={`${formatSize(fs.modified.bytesA)} → ${formatSize(fs.modified.bytesB)}`} tone="modified" />
        <Count label="Type changed" count={fs.type.count} bytes={`${formatSize(fs.type.bytesA)} → ${formatSize(fs.type.bytesB)}`} tone="warning" />
        <Count label="Metadata only" count={fs.metadata.count} bytes={metadataFields.join(', ') || 'no attribute'} tone="neutral" />
      </dl>
      <dl className="compare-bytes">
        <div>
          <dt>Bytes in</dt>
          <dd className="diff-add" title={formatBytesExact(fs.bytesAdded)}>
            {fs.bytesAdded > 0 ? '+' : ''}
            {formatSize(fs.bytesAdded)}
          </dd>
        </div>
        <div>
          <dt>Bytes out</dt>
          <dd className="diff-del" title={formatBytesExact(fs.bytesRemoved)}>
            {fs.bytesRemoved > 0 ? '−' : ''}
            {formatSize(fs.bytesRemoved)}
          </dd>
        </div>
        <div>
          <dt>Net size change</dt>
          <dd title={`${formatBytesExact(fs.bytes.a)} → ${formatBytesExact(fs.bytes.b)}`}>
            <strong>{formatSizeDelta(fs.net)}</strong>{' '}
            <span className="muted small">
              ({formatSize(fs.bytes.a)} → {formatSize(fs.bytes.b)})
            </span>
          </dd>
        </div>
        <div>
          <dt>Entries</dt>
          <dd>
            {fs.entries.a.toLocaleString('en-US')} → {fs.entries.b.toLocaleString('en-US')}
          </dd>
        </div>
        <div className="compare-layers-text">
          <dt>Layers</dt>
          <dd>{layers.text}</dd>
        </div>
      </dl>
      <label className="toggle compare-mtime">
        <input type="checkbox" checked={mtime} onChange={(e) => onMtimeChange(e.target.checked)} />
        Show mtime-only changes ({fs.mtimeOnly.count.toLocaleString('en-US')})
      </label>
    </section>
  );
}
