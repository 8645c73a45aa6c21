import { useEffect, type KeyboardEvent } from 'react';
import { Link, useLocation } from 'wouter';
import type { ImagePackage } from '@peel/api';
import { Badge } from '../../components/Badge.js';
import { PAGED_ROW as ROW, usePagedRows } from '../../components/PagedList.js';
import { formatBytesExact, formatSize } from '../../lib/format-size.js';
import { packageRef } from './packages-params.js';
import { changeIn, packageHistory } from './packages-text.js';

interface Props {
  items: ImagePackage[];
  total: number;
  selected: string | undefined;
  /** The layer the list is filtered by: each row says what that layer did to it. */
  layer: number | undefined;
  hrefOf: (p: ImagePackage) => string;
  onNeedRows: (rows: number) => void;
}

const CHANGE_TONE = { installed: 'added', upgraded: 'modified', removed: 'deleted' } as const;

/**
 * The packages as a table loaded a page at a time and virtualised (thousands of rows render a
 * screenful); rows not loaded yet show as "Loading…". A package's name links to it selected.
 */
export function PackagesTable({ items, total, selected, layer, hrefOf, onNeedRows }: Props) {
  const { scroller, virtualizer, inView } = usePagedRows(items.length, total, onNeedRows);
  const index = selected ? items.findIndex((p) => packageRef(p) === selected) : -1;
  useEffect(() => {
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [index, virtualizer]);
  const [, navigate] = useLocation();
  // Arrow keys step through the loaded rows, as in the other paged lists.
  const onKeyDown = (event: KeyboardEvent) => {
    const next = event.key === 'ArrowDown' ? index + 1 : event.key === 'ArrowUp' ? index - 1 : null;
    if (next === null) return;
    event.preventDefault();
    const target = items[Math.max(0, Math.min(items.length - 1, next))];
    if (target) navigate(hrefOf(target), { replace: true });
  };
  const before = inView.length ? inView[0].start : 0;
  const after = inView.length ? virtualizer.getTotalSize() - inView[inView.length - 1].end : 0;

  return (
    <div ref={scroller} className="packages-scroll" tabIndex={0} onKeyDown={onKeyDown}>
      <table className="packages-table">
        <colgroup>
          <col className="col-name" />
          <col className="col-version" />
          <col className="col-arch" />
          <col className="col-layer" />
          <col className="col-layer" />
          <col className="col-size" />
          <col className="col-size" />
          <col className="col-files" />
          <col className="col-source" />
          <col className="col-license" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Version</th>
            <th scope="col">Arch</th>
            <th scope="col" className="num" title="The layer that installed it">
              Layer
            </th>
            <th scope="col" className="num" title="The layer whose database no longer lists it">
              Removed
            </th>
            <th scope="col" className="num" title="Bytes of the files it owns in the final filesystem">
              Size
            </th>
            <th scope="col" className="num" title="The installed size its database declares">
              Declared
            </th>
            <th scope="col" className="num" title="Files it owns in the final filesystem">
              Files
            </th>
            <th scope="col">Source</th>
            <th scope="col">Licence</th>
          </tr>
        </thead>
        <tbody>
          {before > 0 ? <tr aria-hidden="true" style={{ height: before }} /> : null}
          {inView.map((v) => {
            const p = items[v.index];
            if (!p) {
              return (
                <tr key={v.key} className="package-row pending" style={{ height: ROW }}>
                  <td colSpan={10} className="muted">
                    Loading…
                  </td>
                </tr>
              );
            }
            const ref = packageRef(p);
            const change = layer !== undefined ? changeIn(p, layer) : null;
            const gone = p.removedIn !== null;
            return (
              <tr key={v.key} className={`package-row${ref === selected ? ' selected' : ''}${gone ? ' gone' : ''}`} style={{ height: ROW }} aria-current={ref === selected ? 'true' : undefined}>
                <td className="package-name">
                  <span className="ecosystem">{p.ecosystem}</span>
                  <Link href={hrefOf(p)} replace>
                    {p.name}
                  </Link>
                  {change ? <Badge tone={CHANGE_TONE[change]}>{change}</Badge> : null}
                </td>
                <td className="mono small" title={packageHistory(p).map((s) => s.text).join('\n')}>
                  {p.version}
                  {p.upgrades.length ? <span className="muted"> ({p.upgrades.length === 1 ? `from ${p.upgrades[0].from}` : `${p.upgrades.length} changes`})</span> : null}
                </td>
                <td className="small">{p.arch ?? ''}</td>
                <td className="num">{p.layer}</td>
                <td className="num">{p.removedIn ?? ''}</td>
                <td className="num" title={formatBytesExact(p.size)}>
                  {formatSize(p.size)}
                </td>
                <td className="num muted" title={p.installedSize === null ? 'not declared' : formatBytesExact(p.installedSize)}>
                  {p.installedSize === null ? '' : formatSize(p.installedSize)}
                </td>
                <td className="num">{p.files.toLocaleString('en-US')}</td>
                <td className="small clip" title={p.source ?? undefined}>
                  {p.source ?? ''}
                </td>
                <td className="small clip" title={p.license ?? undefined}>
                  {p.license ?? ''}
                </td>
              </tr>
            );
          })}
          {after > 0 ? <tr aria-hidden="true" style={{ height: after }} /> : null}
        </tbody>
      </table>
    </div>
  );
}
