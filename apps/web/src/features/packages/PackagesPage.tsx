import { Link, useLocation, useSearchParams } from 'wouter';
import { useQueryClient } from '@tanstack/react-query';
import type { ImagePackage, PackagesPage as PackagesPageData, PackagesProgress } from '@peel/api';
import { links } from '../../app/links.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { formatBytesExact, formatSize } from '../../lib/format-size.js';
import { plural } from '../../lib/plural.js';
import { useFilterInput } from '../../lib/use-filter-input.js';
import { useCurrentImage } from '../images/index.js';
import { loadPackagesRows, usePackagesList, usePackagesNamed, usePackagesProgress, type PackagesFilter } from './api/get-packages.js';
import { ECOSYSTEMS, nameOfRef, packageRef, readPackagesParams, toggleEcosystem, toParams, type PackagesState } from './packages-params.js';
import { layerCountsText } from './packages-text.js';
import { PackageDetail } from './PackageDetail.js';
import { PackagesTable } from './PackagesTable.js';
import { UnownedFolders } from './UnownedFolders.js';
import './packages.css';

type Go = (next: Partial<PackagesState>, options?: { replace?: boolean }) => void;

/** Where Peel looks for package databases, said when it finds none. */
export const DATABASES_LOOKED_FOR = 'dpkg (/var/lib/dpkg/status, status.d/), apk (/lib/apk/db/installed), rpm (rpmdb.sqlite in /var/lib/rpm or /usr/lib/sysimage/rpm)';

/** The image's packages: which layer installed each, what it costs, and the files no package owns. */
export function PackagesPage() {
  const image = useCurrentImage();
  const [search] = useSearchParams();
  const [, navigate] = useLocation();
  const state = readPackagesParams(search);
  const go: Go = (next, options = {}) => navigate(links.packages(image.id, toParams({ ...state, ...next })), { replace: options.replace ?? true });
  const filter: PackagesFilter = { q: state.q, layer: state.layer, ecosystems: state.ecosystems, sort: state.sort };
  // The inventory may still be computing (it starts after each upload): its progress first, then the list.
  const progress = usePackagesProgress(image.id);
  const list = usePackagesList(image.id, filter, progress.data === null);

  if (progress.isError) {
    return (
      <section className="packages-page" aria-label="Packages">
        <ErrorNote error={progress.error} title="Could not read the packages" onRetry={() => progress.refetch()} />
      </section>
    );
  }
  if (progress.data !== null) {
    return (
      <section className="packages-page" aria-label="Packages">
        <ComputingNote progress={progress.data} />
      </section>
    );
  }
  if (list.isPending) {
    return (
      <section className="packages-page" aria-label="Packages">
        <p className="summary-line">Reading the package databases of every layer (the first time only; then it is kept)…</p>
        <Loading lines={6} label="Reading the packages" />
      </section>
    );
  }
  if (list.isError) {
    return (
      <section className="packages-page" aria-label="Packages">
        <ErrorNote error={list.error} title="Could not read the packages" onRetry={() => list.refetch()} />
      </section>
    );
  }
  const data = list.data;
  const installed = data.layers.reduce((n, l) => n + l.installed, 0);
  const removed = data.layers.reduce((n, l) => n + l.removed, 0);
  const bytes = data.layers.reduce((n, l) => n + l.bytes, 0);
  return (
    <section className="packages-page" aria-label="Packages">
      <PackageWarnings warnings={data.warnings} />
      {installed === 0 ? <p className="no-database">No package database found: {DATABASES_LOOKED_FOR} looked for.</p> : null}
      <p className="summary-line packages-summary">
        {installed === 0 ? null : (
          <>
            {plural(installed, 'package')} <span title={formatBytesExact(bytes)}>({formatSize(bytes)} in their files)</span>
            {removed ? `, ${removed.toLocaleString('en-US')} of them removed by a later layer` : ''}
            {' · '}
          </>
        )}
        <span title={formatBytesExact(data.unowned.bytes)}>
          {plural(data.unowned.files, 'file')} ({formatSize(data.unowned.bytes)}) no package owns
        </span>
      </p>
      <nav className="segmented packages-views" aria-label="Packages or unowned files">
        <Link href={links.packages(image.id, toParams({ ...state, unowned: false }))} aria-current={state.unowned ? undefined : 'page'}>
          Packages
        </Link>
        <Link href={links.packages(image.id, toParams({ ...state, unowned: true }))} aria-current={state.unowned ? 'page' : undefined}>
          Unowned files
        </Link>
      </nav>
      {state.unowned ? (
        <UnownedFolders imageId={image.id} unowned={data.unowned} />
      ) : installed === 0 ? null : (
        <PackageBrowser data={data} filter={filter} state={state} go={go} stale={list.isPlaceholderData} />
      )}
    </section>
  );
}

/** How far the reading of the databases has come (layer by layer, then the measure of the files). */
function ComputingNote({ progress }: { progress: PackagesProgress | undefined }) {
  if (progress === undefined) return <p className="summary-line">Reading the package databases…</p>;
  const { layer, layers } = progress;
  const text = layer < layers ? `Reading the package databases: layer ${layer + 1} of ${layers}` : 'Measuring the files the packages own';
  return (
    <div className="packages-computing" role="status">
      <p className="summary-line">{text}…</p>
      <div className="progress" role="progressbar" aria-label="Reading the package databases" aria-valuemin={0} aria-valuemax={layers} aria-valuenow={layer}>
        <div className="progress-fill" style={{ transform: `scaleX(${layers === 0 ? 1 : layer / layers})` }} />
      </div>
    </div>
  );
}

/** What could not be read, said plainly above everything else: the rest of the view still works. */
function PackageWarnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  return (
    <div className="packages-warnings" role="status">
      <strong>{warnings.length === 1 ? 'A package database could not be read fully' : `${warnings.length} problems reading the package databases`}</strong>
      <ul>
        {warnings.map((w, i) => (
          <li key={i}>{w}</li>
        ))}
      </ul>
    </div>
  );
}

function PackageBrowser({ data, filter, state, go, stale }: { data: PackagesPageData; filter: PackagesFilter; state: PackagesState; go: Go; stale: boolean }) {
  const image = useCurrentImage();
  const client = useQueryClient();
  const input = useFilterInput(state.q, (q) => go({ q }));
  const inList = state.pkg ? data.items.find((p) => packageRef(p) === state.pkg) : undefined;
  // A deep link to a package the loaded rows do not hold: look it up by its name.
  const named = usePackagesNamed(image.id, state.pkg ? nameOfRef(state.pkg) : undefined, state.pkg !== undefined && !inList);
  const selected: ImagePackage | undefined = inList ?? named.data?.items.find((p) => packageRef(p) === state.pkg);
  const layerCounts = state.layer !== undefined ? data.layers.find((l) => l.layer === state.layer) : undefined;
  const filtered = state.q !== '' || state.layer !== undefined || state.ecosystems.length > 0;

  return (
    <div className="packages-view">
      <section className="packages-list-pane" aria-label="Package list">
        <div className="tree-toolbar">
          <input type="search" className="filter-input" placeholder="Filter by name" aria-label="Filter packages by name" value={input.text} onChange={(e) => input.onChange(e.target.value)} />
          <label className="toggle">
            Layer
            <select value={state.layer ?? ''} onChange={(e) => go({ layer: e.target.value === '' ? undefined : Number(e.target.value), pkg: undefined })}>
              <option value="">every layer</option>
              {image.layers.map((l) => {
                const counts = data.layers.find((c) => c.layer === l.index);
                return (
                  <option key={l.index} value={l.index}>
                    {`Layer ${l.index}: ${counts ? layerCountsText(counts) : 'changed no package'}`}
                  </option>
                );
              })}
            </select>
          </label>
          <div className="segmented" role="group" aria-label="Ecosystems">
            {ECOSYSTEMS.map((e) => (
              <button key={e} type="button" aria-pressed={state.ecosystems.includes(e)} onClick={() => go({ ecosystems: toggleEcosystem(state.ecosystems, e) })}>
                {e}
              </button>
            ))}
          </div>
          <div className="segmented" role="group" aria-label="Sort">
            <button type="button" aria-pressed={state.sort === 'name'} onClick={() => go({ sort: 'name' })}>
              By name
            </button>
            <button type="button" aria-pressed={state.sort === 'size'} onClick={() => go({ sort: 'size' })}>
              By size
            </button>
          </div>
        </div>
        {state.layer !== undefined ? (
          <p className="layer-counts" role="status" title={`packages it installed: ${formatBytesExact(layerCounts?.bytes ?? 0)} in the final filesystem`}>
            <Link href={links.layerChanges(image.id, state.layer)}>Layer {state.layer}</Link> {layerCounts ? layerCountsText(layerCounts) : 'changed no package'}.
          </p>
        ) : null}
        <p className="muted small pad search-summary" aria-live="polite">
          {filtered ? `${plural(data.total, 'package')} ${data.total === 1 ? 'matches' : 'match'}` : plural(data.total, 'package')}
          {stale ? ' (updating…)' : ''}
        </p>
        {data.total > 0 ? (
          <PackagesTable
            // Another filter or order starts at the top of its list.
            key={JSON.stringify(filter)}
            items={data.items}
            total={data.total}
            selected={state.pkg}
            layer={state.layer}
            hrefOf={(p) => links.packages(image.id, toParams({ ...state, pkg: packageRef(p) }))}
            onNeedRows={(rows) => void loadPackagesRows(client, image.id, filter, rows)}
          />
        ) : (
          <p className="muted pad">No package matches these filters.</p>
        )}
      </section>
      <section className="detail-pane" aria-label="Selected package">
        {selected ? (
          <PackageDetail key={packageRef(selected)} imageId={image.id} p={selected} />
        ) : (
          <div className="entry-detail empty">
            <p className="muted">
              {!state.pkg
                ? 'Select a package to see its versions layer by layer, its size and where its files are.'
                : named.isFetching
                  ? `Looking for ${nameOfRef(state.pkg) ?? state.pkg}…`
                  : `${state.pkg} is not among this image's packages.`}
            </p>
          </div>
        )}
      </section>
    </div>
  );
}
