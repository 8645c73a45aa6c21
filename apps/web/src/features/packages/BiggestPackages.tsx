import { Link } from 'wouter';
import { links } from '../../app/links.js';
import { formatBytesExact, formatSize } from '../../lib/format-size.js';
import { plural } from '../../lib/plural.js';
import { usePackagesList } from './api/get-packages.js';
import { packageRef } from './packages-params.js';

const SHOWN = 12;

/**
 * The findings' size picture by package: the largest installed packages (bytes they own in the
 * final filesystem) and what no package owns, each a link into the Packages view.
 */
export function BiggestPackages({ imageId }: { imageId: string }) {
  const list = usePackagesList(imageId, { q: '', ecosystems: [], sort: 'size' });
  return (
    <div className="biggest">
      <h3>Biggest packages</h3>
      {list.isPending ? <p className="muted">Reading the package databases…</p> : null}
      {list.isError ? <p className="muted">The package databases could not be read.</p> : null}
      {list.data ? (
        list.data.total === 0 ? (
          <p className="muted">No package database found.</p>
        ) : (
          <ol className="biggest-list">
            {list.data.items.filter((p) => p.removedIn === null).slice(0, SHOWN).map((p) => (
              <li key={packageRef(p)}>
                <Link href={links.packages(imageId, { q: p.name, pkg: packageRef(p), sort: 'size' })} className="biggest-path">
                  {p.name}
                </Link>
                <span className="biggest-size" title={formatBytesExact(p.size)}>
                  {formatSize(p.size)}
                </span>
                <span className="muted biggest-note">
                  {p.ecosystem}, layer {p.layer}
                </span>
              </li>
            ))}
            <li key="unowned">
              <Link href={links.packages(imageId, { unowned: true })} className="biggest-path">
                files no package owns
              </Link>
              <span className="biggest-size" title={formatBytesExact(list.data.unowned.bytes)}>
                {formatSize(list.data.unowned.bytes)}
              </span>
              <span className="muted biggest-note">{plural(list.data.unowned.files, 'file')}</span>
            </li>
          </ol>
        )
      ) : null}
    </div>
  );
}
