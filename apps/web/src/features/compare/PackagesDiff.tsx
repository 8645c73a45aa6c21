import { useState } from 'react';
import type { ComparePackageChange, ComparePackageItem, ComparePackageSide } from '@peel/api';
import { Badge, type BadgeTone } from '../../components/Badge.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { formatBytesExact, formatSize, formatSizeDelta } from '../../lib/format-size.js';
import { useComparePackages } from './api/get-compare-packages.js';
import type { CompareSides } from './compare-params.js';

const KINDS: ComparePackageChange[] = ['added', 'removed', 'upgraded', 'downgraded'];
const TONE: Record<ComparePackageChange, BadgeTone> = { added: 'added', removed: 'deleted', upgraded: 'modified', downgraded: 'warning' };

function Version({ side, tone }: { side: ComparePackageSide | null; tone: 'old' | 'new' }) {
  if (!side) return <span className="muted">–</span>;
  return (
    <span className={`mono ${tone === 'old' ? 'diff-del' : 'diff-add'}`} title={`installed by layer ${side.layer}${side.arch ? `, ${side.arch}` : ''}`}>
      {side.version}
    </span>
  );
}

/**
 * A side's bytes of a package: what its files take there, else (a side as of a lower layer, or the
 * other side is one) what its database declares, so that the two columns measure alike.
 */
function sizeText(side: ComparePackageSide | null, other: ComparePackageSide | null): string {
  if (!side) return '–';
  if (side.size !== null && (other === null || other.size !== null)) return formatSize(side.size);
  return side.installedSize !== null ? `${formatSize(side.installedSize)} declared` : '–';
}

/** The packages the two sides differ by: added, removed, upgraded, downgraded, each with both versions and the size change. */
export function PackagesDiff({ sides }: { sides: CompareSides }) {
  const result = useComparePackages(sides);
  const [shown, setShown] = useState<ComparePackageChange[]>(KINDS);
  const [q, setQ] = useState('');
  if (result.isPending) return <Loading lines={4} label="Reading both sides' package databases" />;
  if (result.isError) return <ErrorNote error={result.error} title="Could not compare the packages" onRetry={() => result.refetch()} />;
  const { items, counts, packages, warnings } = result.data;
  const needle = q.trim().toLowerCase();
  const rows = items.filter((i: ComparePackageItem) => shown.includes(i.change) && (needle === '' || i.name.toLowerCase().includes(needle)));
  const net = items.reduce((n, i) => n + i.sizeDelta, 0);
  return (
    <section className="compare-packages pad" aria-label="Package differences">
      {warnings.length > 0 ? (
        <div className="note warning" role="status">
          {warnings.map((w) => (
            <p key={w}>{w}</p>
          ))}
        </div>
      ) : null}
      {packages.a === 0 && packages.b === 0 ? (
        <p className="muted">Neither side has a package database Peel reads (dpkg, apk, rpm, node_modules, Python dist-info).</p>
      ) : (
        <>
          <p className="small">
            {packages.a.toLocaleString('en-US')} packages in A, {packages.b.toLocaleString('en-US')} in B; {counts.same.toLocaleString('en-US')} the same.{' '}
            Size change of the packages that differ: <strong title={formatBytesExact(net)}>{formatSizeDelta(net)}</strong>.
          </p>
          <div className="tree-toolbar">
            <div className="segmented" role="group" aria-label="Package changes">
              {KINDS.map((kind) => (
                <button
                  key={kind}
                  type="button"
                  aria-pressed={shown.includes(kind)}
                  onClick={() => setShown((s) => (s.includes(kind) ? (s.length === 1 ? KINDS : s.filter((k) => k !== kind)) : [...s, kind]))}
                >
                  {kind} <span className="tab-count">{counts[kind].toLocaleString('en-US')}</span>
                </button>
              ))}
            </div>
            <input type="search" className="filter-input" placeholder="Filter packages by name" aria-label="Filter packages by name" value={q} onChange={(e) => setQ(e.target.value)} />
          </div>
          {items.length === 0 ? (
            <p className="muted">Both sides have the same packages at the same versions.</p>
          ) : (
            <div className="table-scroll">
              <table className="history-table">
                <caption className="visually-hidden">Package differences</caption>
                <thead>
                  <tr>
                    <th scope="col">Change</th>
                    <th scope="col">Package</th>
                    <th scope="col">A</th>
                    <th scope="col">B</th>
                    <th scope="col">Size A</th>
                    <th scope="col">Size B</th>
                    <th scope="col">Δ size</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((i) => (
                    <tr key={`${i.ecosystem}\u0000${i.name}\u0000${i.database}\u0000${i.a?.arch ?? i.b?.arch ?? ''}`}>
                      <td>
                        <Badge tone={TONE[i.change]}>{i.change}</Badge>
                      </td>
                      <td>
                        <span className="mono">{i.name}</span> <span className="muted small">{i.ecosystem}</span>
                      </td>
                      <td>
                        <Version side={i.a} tone="old" />
                      </td>
                      <td>
                        <Version side={i.b} tone="new" />
                      </td>
                      <td className="num">{sizeText(i.a, i.b)}</td>
                      <td className="num">{sizeText(i.b, i.a)}</td>
                      <td className={`num ${i.sizeDelta > 0 ? 'diff-add' : i.sizeDelta < 0 ? 'diff-del' : 'muted'}`}>{i.sizeDelta !== 0 ? formatSizeDelta(i.sizeDelta) : '0'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
