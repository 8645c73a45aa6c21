import { Link } from 'wouter';
import type { UnownedFiles } from '@peel/api';
import { links } from '../../app/links.js';
import { formatBytesExact, formatSize } from '../../lib/format-size.js';
import { plural } from '../../lib/plural.js';

/** The folders holding files no package owns (what COPY, ADD and build steps put there), largest first, each a link to the tree. */
export function UnownedFolders({ imageId, unowned }: { imageId: string; unowned: UnownedFiles }) {
  const max = Math.max(1, ...unowned.folders.map((f) => f.bytes));
  const shown = unowned.folders.reduce((n, f) => n + f.files, 0);
  return (
    <section className="unowned" aria-label="Unowned files">
      <p className="summary-line">
        {plural(unowned.files, 'file')} ({formatSize(unowned.bytes)}) of the final filesystem belong to no package
        {unowned.folders.length ? `, in these ${plural(unowned.folders.length, 'folder')}, largest first` : ''}
        {unowned.folders.length && shown < unowned.files ? ` (the ${plural(unowned.files - shown, 'file')} in smaller folders are not listed)` : ''}.
      </p>
      {unowned.folders.length ? (
        <div className="table-scroll">
          <table className="unowned-table">
            <thead>
              <tr>
                <th scope="col">Folder</th>
                <th scope="col" className="num">
                  Files
                </th>
                <th scope="col" className="size-col">
                  Size
                </th>
              </tr>
            </thead>
            <tbody>
              {unowned.folders.map((f) => (
                <tr key={f.path}>
                  <td className="mono">
                    <Link href={links.files(imageId, { path: f.path })}>{f.path}</Link>
                  </td>
                  <td className="num">{f.files.toLocaleString('en-US')}</td>
                  <td className="size-col" title={formatBytesExact(f.bytes)}>
                    <div className="size-cell">
                      <span className="size-main">{formatSize(f.bytes)}</span>
                      <div className="size-bar">
                        <div className="size-bar-fill" style={{ width: `${(100 * f.bytes) / max}%` }} />
                      </div>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
