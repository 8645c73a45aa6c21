import { Link } from 'wouter';
import type { SecretFinding } from '@peel/api';
import { links } from '../../app/links.js';
import { Badge, type BadgeTone } from '../../components/Badge.js';
import { CreatedBy } from '../layers/index.js';
import { secretPlace, secretStatus } from './describe.js';
import { RemoveFromLayers } from './RemoveFromLayers.js';

const STATUS: Record<SecretFinding['status'], { label: string; tone: BadgeTone }> = {
  present: { label: 'in final filesystem', tone: 'deleted' },
  deleted: { label: 'deleted but still shipped', tone: 'deleted' },
  overwritten: { label: 'overwritten but still shipped', tone: 'deleted' },
  config: { label: 'in config', tone: 'warning' },
};

/** Every secret found, with where it is, its value masked, the step that added it and the fix. */
export function SecretList({ imageId, secrets }: { imageId: string; secrets: SecretFinding[] }) {
  if (secrets.length === 0) {
    return <p className="findings-empty">No secrets found in any layer (deleted and overwritten files included), Env, labels, command or history.</p>;
  }
  // One "Remove" per file copy: several secrets can sit in one file.
  const firstOfFile = new Set(secrets.filter((s, i) => secrets.findIndex((o) => o.path === s.path && o.source === s.source) === i).map((s) => s.id));
  return (
    <ul className="finding-list" aria-label="Secrets">
      {secrets.map((s) => (
        <li key={s.id} className="finding" data-status={s.status}>
          <div className="finding-head">
            <Badge tone={STATUS[s.status].tone}>{STATUS[s.status].label}</Badge>
            <strong className="finding-title">{s.title}</strong>
            <span className="finding-kind">{s.kind}</span>
            {s.fromBase ? <Badge title="from the base image (see the heuristic above)">base image</Badge> : null}
          </div>
          <p className="finding-status">{secretStatus(s)}</p>
          <div className="finding-where">
            {s.source === 'file' && s.path !== null && s.layer !== null ? (
              <>
                <Link href={links.layerFiles(imageId, s.layer, { path: s.path })} className="finding-file">
                  {secretPlace(s)}
                </Link>
                <span className="muted"> — layer {s.layer}&apos;s copy</span>
                {s.deletedIn !== null ? (
                  <>
                    {' · '}
                    <Link href={links.files(imageId, { path: s.path, deleted: true, at: s.layer })}>show it among the deleted files</Link>
                  </>
                ) : null}
              </>
            ) : (
              <span>{secretPlace(s)}</span>
            )}
          </div>
          <code className="finding-preview">{s.preview}</code>
          {s.createdBy ? (
            <div className="finding-step">
              <span className="muted">Added by step {s.historyStep !== null ? s.historyStep + 1 : '?'}:</span>
              <CreatedBy text={s.createdBy} />
            </div>
          ) : null}
          <p className="finding-fix">{s.fix}</p>
          {s.source === 'file' && s.path !== null ? (
            firstOfFile.has(s.id) ? <RemoveFromLayers imageId={imageId} path={s.path} /> : null
          ) : s.source === 'env' || s.source === 'label' || s.source === 'cmd' ? (
            <Link href={links.config(imageId, { edit: true })} className="button small">
              Edit the config
            </Link>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
