import { Link } from 'wouter';
import type { ImagePackage } from '@peel/api';
import { links } from '../../app/links.js';
import { Badge } from '../../components/Badge.js';
import { formatBytesExact, formatSize } from '../../lib/format-size.js';
import { plural } from '../../lib/plural.js';
import { useEntryVersions } from '../fs/index.js';
import { packageHistory } from './packages-text.js';

const STEP_TONE = { installed: 'added', upgraded: 'modified', removed: 'deleted' } as const;

/**
 * One package: its versions layer by layer (each layer a link), what it costs, its source and
 * licence, and the way to its files in the tree. The API names no file of a package, so the tree
 * opens at dpkg's own list of its files when the image has one, at its database, and a search of
 * the tree for its name finds its folders (/usr/share/doc/NAME and the like).
 */
export function PackageDetail({ imageId, p }: { imageId: string; p: ImagePackage }) {
  const gone = p.removedIn !== null;
  return (
    <article className="entry-detail package-detail" aria-label={`Package ${p.name}`}>
      <header className="package-detail-head">
        <h2>
          {p.name} <span className="mono package-version">{p.version}</span>
        </h2>
        <div className="package-badges">
          <Badge tone="accent">{p.ecosystem}</Badge>
          {p.arch ? <Badge>{p.arch}</Badge> : null}
          {gone ? <Badge tone="deleted">removed in layer {p.removedIn}</Badge> : null}
        </div>
      </header>
      <section aria-label="History">
        <h3>Layer by layer</h3>
        <ol className="package-history">
          {packageHistory(p).map((step, i) => (
            <li key={i}>
              <Badge tone={STEP_TONE[step.kind]}>{step.kind}</Badge> {step.versions ? <span className="mono">{step.versions} </span> : null}in{' '}
              <Link href={links.layerChanges(imageId, step.layer)}>layer {step.layer}</Link>
            </li>
          ))}
        </ol>
      </section>
      <dl className="package-facts">
        <dt>Size</dt>
        <dd title={formatBytesExact(p.size)}>
          {formatSize(p.size)} in {plural(p.files, 'file')} of the final filesystem
        </dd>
        <dt>Declared</dt>
        <dd title={p.installedSize === null ? undefined : formatBytesExact(p.installedSize)}>{p.installedSize === null ? <span className="muted">not declared</span> : `${formatSize(p.installedSize)} installed size`}</dd>
        <dt>Source</dt>
        <dd className="mono">{p.source ?? <span className="muted">not named</span>}</dd>
        <dt>Licence</dt>
        <dd>{p.license ?? <span className="muted">not named</span>}</dd>
        <dt>Database</dt>
        <dd className="mono">{p.database}</dd>
      </dl>
      <section aria-label="Files">
        <h3>Its files</h3>
        {gone ? (
          <p className="muted small">
            Its files are gone from the final filesystem; <Link href={links.layerChanges(imageId, p.removedIn ?? 0)}>layer {p.removedIn}&apos;s changes</Link> show what removing it deleted.
          </p>
        ) : null}
        <ul className="package-links">
          <li>
            <Link href={links.files(imageId, { q: p.name })}>Search the tree for “{p.name}”</Link>
          </li>
          {p.ecosystem === 'deb' && !gone ? <DpkgFileList imageId={imageId} p={p} /> : null}
          <li>
            <Link href={links.files(imageId, { path: p.database, deleted: gone })}>Its database in the tree</Link> <span className="muted small mono">{p.database}</span>
          </li>
        </ul>
      </section>
    </article>
  );
}

/**
 * dpkg's list of a package's files beside its status file: `info/NAME:ARCH.list` for a
 * Multi-Arch: same package, else `info/NAME.list`; nothing when the image has neither
 * (distroless `status.d/` has no lists).
 */
function DpkgFileList({ imageId, p }: { imageId: string; p: ImagePackage }) {
  const info = p.database.endsWith('/status') ? `${p.database.slice(0, -'/status'.length)}/info` : null;
  const withArch = `${info}/${p.name}:${p.arch}.list`;
  const plain = `${info}/${p.name}.list`;
  const archList = useEntryVersions({ imageId }, withArch, info !== null && p.arch !== null);
  const plainList = useEntryVersions({ imageId }, plain, info !== null);
  const path = archList.data?.length ? withArch : plainList.data?.length ? plain : null;
  if (path === null) return null;
  return (
    <li>
      <Link href={links.files(imageId, { path })}>Its file list (dpkg)</Link> <span className="muted small mono">{path}</span>
    </li>
  );
}
