import { Link } from 'wouter';
import { links } from '../../app/links.js';
import { usePackagesOwning } from './api/get-packages.js';
import { packageRef } from './packages-params.js';

/**
 * The packages whose databases list a file of the final filesystem, each a link to it in the
 * Packages view; "no package" for a file a COPY or a build step put there. The first question
 * about an image reads its package databases (seconds on a big one): said while it runs.
 */
export function OwningPackages({ imageId, path }: { imageId: string; path: string }) {
  const owners = usePackagesOwning(imageId, path, true);
  if (owners.isPending) return <span className="muted">reading the package databases…</span>;
  if (owners.isError) return <span className="muted">unknown (the package databases could not be read)</span>;
  if (owners.data.items.length === 0) return <span className="muted">none (no package database lists it)</span>;
  return (
    <>
      {owners.data.items.map((p, i) => (
        <span key={packageRef(p)}>
          {i > 0 ? ', ' : null}
          <Link href={links.packages(imageId, { q: p.name, pkg: packageRef(p) })} className="mono">
            {p.name}
          </Link>{' '}
          <span className="muted small">
            {p.ecosystem} {p.version}
          </span>
        </span>
      ))}
    </>
  );
}
