import { Link } from 'wouter';
import type { DraftConfigChange } from '@peel/api';
import { links } from '../../app/links.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useCurrentImage } from '../image/image-context.js';
import { usePatchConfig } from './api/patch-config.js';
import { useSetTag } from './api/set-tag.js';
import { configValueText } from './describe-op.js';

/** Run-config keys the draft changes (before → after) and the new name, each discardable. */
export function ConfigChangeList({ imageId, changes, tag }: { imageId: string; changes: DraftConfigChange[]; tag: string | null }) {
  const image = useCurrentImage();
  const patch = usePatchConfig(imageId);
  const setTag = useSetTag(imageId);
  if (changes.length === 0 && !tag) return null;
  return (
    <section className="card wide draft-section" aria-labelledby="draft-config">
      <h2 id="draft-config">
        Config changes ({changes.length + (tag ? 1 : 0)}) <Link href={links.config(imageId, { edit: true })} className="small">Edit config</Link>
      </h2>
      <table className="draft-table">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Image</th>
            <th scope="col">After export</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tag ? (
            <tr>
              <th scope="row" className="mono">Name</th>
              <td className="mono muted">{image.tags[0] ?? 'none'}</td>
              <td className="mono">{tag}</td>
              <td className="row-actions">
                <button type="button" className="button small" disabled={setTag.isPending} aria-label="Discard: name" onClick={() => setTag.mutate(null)}>
                  Discard
                </button>
                {setTag.isError ? <ErrorNote compact error={setTag.error} title="Could not reset the name" /> : null}
              </td>
            </tr>
          ) : null}
          {changes.map((change) => (
            <tr key={change.key}>
              <th scope="row" className="mono">{change.key}</th>
              <td className="mono muted config-value">{configValueText(change.before)}</td>
              <td className="mono config-value">{configValueText(change.after)}</td>
              <td className="row-actions">
                <button type="button" className="button small" disabled={patch.isPending} aria-label={`Discard: ${change.key}`} onClick={() => patch.mutate({ [change.key]: change.before ?? null })}>
                  Discard
                </button>
                {patch.isError && patch.variables && change.key in patch.variables ? <ErrorNote compact error={patch.error} title={`Could not reset ${change.key}`} /> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
