import { useState, type FormEvent } from 'react';
import type { RegistryManifest, RegistryTag } from '@peel/api';
import { Digest } from '../../components/Digest.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { Loading } from '../../components/Loading.js';
import { TextField } from '../../components/TextField.js';
import { errorMessage } from '../../lib/api-client.js';
import { formatSize } from '../../lib/format-size.js';
import { formatDateTime } from '../../lib/format-time.js';
import { plural } from '../../lib/plural.js';
import { useRegistryManifest, useRegistryTags } from './api/registry.js';
import { registryOf, repositoryOf } from './repository-of.js';
import { RegistryLogins } from './RegistryLogins.js';
import { RegistryOpenPanel } from './RegistryOpenPanel.js';
import { useRegistryOpen } from './use-registry-open.js';
import './registry.css';

/**
 * The home page's registry part: a reference shows its manifest, platforms, history and layers
 * at once (nothing downloaded yet); "Open" streams the layers into Peel; "Tags" lists a
 * repository's tags, page by page.
 */
export function RegistrySection() {
  const [text, setText] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const [platform, setPlatform] = useState<string | null>(null);
  const [tagsOf, setTagsOf] = useState<string | null>(null);
  const manifest = useRegistryManifest(shown, platform);
  const open = useRegistryOpen();
  const busy = open.state.status === 'running';
  const show = (ref: string) => {
    setText(ref);
    setShown(ref);
    setPlatform(null);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim()) show(text.trim());
  };
  return (
    <section className="home-images registry-open" aria-labelledby="registry-open">
      <h2 id="registry-open">Open from a registry</h2>
      <form className="registry-form field-row" onSubmit={submit} aria-label="Reference to open">
        <TextField className="grow" label="Reference" value={text} onChange={setText} placeholder="registry.example:5000/team/app:1.4" />
        <button type="submit" className="button" disabled={!text.trim()}>
          Show
        </button>
        <button type="button" className="button" disabled={!text.trim()} onClick={() => setTagsOf(repositoryOf(text))}>
          Tags
        </button>
      </form>
      <RegistryLogins registry={text.trim() ? registryOf(text) : ''} />
      {tagsOf ? <TagList repo={tagsOf} onPick={show} onClose={() => setTagsOf(null)} /> : null}
      {shown && manifest.isPending ? <Loading lines={3} label="Reading the manifest" /> : null}
      {manifest.isError ? <ErrorNote error={manifest.error} title={`Could not read ${shown}`} onRetry={() => manifest.refetch()} /> : null}
      {manifest.data ? (
        <ManifestView manifest={manifest.data} platform={platform} onPlatform={setPlatform} busy={busy} onOpen={() => void open.start(manifest.data.ref, manifest.data.platforms ? (platform ?? nameOf(manifest.data)) : null)} />
      ) : null}
      <RegistryOpenPanel state={open.state} onCancel={open.cancel} onDismiss={open.dismiss} />
    </section>
  );
}

/** The platform name of the image shown for an index (`os/arch[/variant]`). */
function nameOf(m: RegistryManifest): string | null {
  const p = m.image?.platform;
  return p ? `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}` : null;
}

function ManifestView({ manifest, platform, onPlatform, busy, onOpen }: { manifest: RegistryManifest; platform: string | null; onPlatform: (p: string) => void; busy: boolean; onOpen: () => void }) {
  const image = manifest.image;
  return (
    <div className="registry-manifest" aria-label={`Manifest of ${manifest.ref}`}>
      <table className="kv-table">
        <tbody>
          <tr>
            <th scope="row">Reference</th>
            <td className="mono">{manifest.ref}</td>
          </tr>
          <tr>
            <th scope="row">Media type</th>
            <td className="mono small">{manifest.mediaType}</td>
          </tr>
          <tr>
            <th scope="row">Digest</th>
            <td>
              <Digest value={manifest.digest} />
            </td>
          </tr>
          {manifest.platforms ? (
            <tr>
              <th scope="row">
                <label htmlFor="registry-platform">Platform</label>
              </th>
              <td>
                <select id="registry-platform" className="text-input" value={platform ?? nameOf(manifest) ?? ''} onChange={(e) => onPlatform(e.target.value)}>
                  {nameOf(manifest) === null && platform === null ? <option value="">pick one</option> : null}
                  {manifest.platforms.map((p) => (
                    <option key={p.digest} value={p.name}>
                      {p.name}
                    </option>
                  ))}
                </select>
                <span className="muted small"> {plural(manifest.platforms.length, 'platform')} in this index</span>
              </td>
            </tr>
          ) : null}
          {image ? (
            <>
              {manifest.platforms ? (
                <tr>
                  <th scope="row">Image manifest</th>
                  <td>
                    <Digest value={image.digest} /> <span className="mono small muted">{image.mediaType}</span>
                  </td>
                </tr>
              ) : null}
              <tr>
                <th scope="row">Config</th>
                <td>
                  <Digest value={image.config.digest} /> <span className="muted small">{formatSize(image.config.size)}</span>
                </td>
              </tr>
              <tr>
                <th scope="row">Created</th>
                <td>{image.created ? formatDateTime(image.created) : <span className="muted">not recorded</span>}</td>
              </tr>
              <tr>
                <th scope="row">Size</th>
                <td>
                  {formatSize(image.size)} <span className="muted small">to download, in {plural(image.layers.length, 'layer')}</span>
                </td>
              </tr>
            </>
          ) : null}
        </tbody>
      </table>
      {image ? (
        <>
          <table className="image-table registry-layer-table" aria-label="Layers">
            <thead>
              <tr>
                <th scope="col">Layer</th>
                <th scope="col">Digest</th>
                <th scope="col">Media type</th>
                <th scope="col" className="num">
                  Size
                </th>
              </tr>
            </thead>
            <tbody>
              {image.layers.map((l, i) => (
                <tr key={`${i}-${l.digest}`}>
                  <td>{i}</td>
                  <td>
                    <Digest value={l.digest} />
                  </td>
                  <td className="mono small">{l.mediaType}</td>
                  <td className="num">{formatSize(l.size)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <details className="registry-history">
            <summary>History: {plural(image.history.length, 'step')}</summary>
            <ol>
              {image.history.map((h, i) => (
                <li key={i} className="mono small">
                  {h.createdBy || <span className="muted">(no command recorded)</span>}
                  {h.emptyLayer ? <span className="muted"> · no layer</span> : null}
                </li>
              ))}
            </ol>
          </details>
        </>
      ) : (
        <p className="muted">Pick a platform to see its image.</p>
      )}
      <div className="registry-actions">
        <button type="button" className="button primary" disabled={busy || !image} onClick={onOpen}>
          Open
        </button>
      </div>
    </div>
  );
}

function TagList({ repo, onPick, onClose }: { repo: string; onPick: (ref: string) => void; onClose: () => void }) {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1];
  const page = useRegistryTags(repo, cursor);
  // The list first; each tag's manifest (digest, platforms, size) is read after it, page by page.
  const detailed = useRegistryTags(repo, cursor, true, page.isSuccess && page.data.items.length > 0);
  const details = new Map((detailed.data?.items ?? []).map((t) => [t.tag, t]));
  return (
    <div className="registry-tags" aria-label={`Tags of ${repo}`}>
      <div className="registry-tags-head">
        <strong>Tags of {page.data?.repository ?? repo}</strong>
        <button type="button" className="button small" onClick={onClose}>
          Close
        </button>
      </div>
      {page.isPending ? <Loading lines={2} label="Listing tags" /> : null}
      {page.isError ? <ErrorNote error={page.error} title={`Could not list the tags of ${repo}`} onRetry={() => page.refetch()} /> : null}
      {page.data && page.data.items.length === 0 ? <p className="muted">No tags.</p> : null}
      {detailed.isError ? <p className="muted small">Could not read the tags' manifests: {errorMessage(detailed.error)}</p> : null}
      {page.data && page.data.items.length > 0 ? (
        <table className="image-table registry-tag-table" aria-label="Tags">
          <thead>
            <tr>
              <th scope="col">Tag</th>
              <th scope="col">Digest</th>
              <th scope="col">Platforms</th>
              <th scope="col" className="num">
                Size
              </th>
            </tr>
          </thead>
          <tbody>
            {page.data.items.map((t) => (
              <TagRow key={t.tag} tag={t} details={details.get(t.tag)} reading={detailed.isFetching} onPick={onPick} />
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="registry-tags-pages">
        {cursors.length > 1 ? (
          <button type="button" className="button small" onClick={() => setCursors((c) => c.slice(0, -1))}>
            Previous
          </button>
        ) : null}
        {page.data?.next ? (
          <button type="button" className="button small" onClick={() => setCursors((c) => [...c, page.data!.next])}>
            Next page
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** One tag: its name (to show it), then what its manifest says once read. */
function TagRow({ tag, details, reading, onPick }: { tag: RegistryTag; details: RegistryTag | undefined; reading: boolean; onPick: (ref: string) => void }) {
  const pending = <span className="muted small">{reading ? 'reading…' : '–'}</span>;
  return (
    <tr>
      <td>
        <button type="button" className="button small" onClick={() => onPick(tag.ref)} aria-label={`Show ${tag.ref}`}>
          {tag.tag}
        </button>
      </td>
      {details?.error ? (
        <td colSpan={3} className="small registry-tag-error">
          {details.error.message}
        </td>
      ) : (
        <>
          <td>{details ? <Digest value={details.digest} /> : pending}</td>
          <td className="small">{details ? (details.platforms ? details.platforms.join(', ') : <span className="muted">single image</span>) : pending}</td>
          <td className="num">
            {details ? (
              <>
                {details.size == null ? <span className="muted">–</span> : formatSize(details.size)}
                {details.sizePlatform ? <span className="muted small"> ({details.sizePlatform})</span> : null}
              </>
            ) : (
              pending
            )}
          </td>
        </>
      )}
    </tr>
  );
}
