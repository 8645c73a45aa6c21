import { Link } from 'wouter';
import type { SizedPath } from '@peel/api';
import { links } from '../../app/links.js';
import { formatBytesExact, formatSize } from '../../lib/format-size.js';
import { plural } from '../../lib/plural.js';

/** The largest files or folders of the final filesystem, each a link into the file view. */
export function BiggestList({ imageId, title, items }: { imageId: string; title: string; items: SizedPath[] }) {
  return (
    <div className="biggest">
      <h3>{title}</h3>
      {items.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ol className="biggest-list">
          {items.map((p) => (
            <li key={p.path}>
              <Link href={links.files(imageId, { path: p.path })} className="biggest-path">
                {p.path}
              </Link>
              <span className="biggest-size" title={formatBytesExact(p.size)}>
                {formatSize(p.size)}
              </span>
              <span className="muted biggest-note">{p.type === 'dir' ? plural(p.files ?? 0, 'file') : `layer ${p.layer}`}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
