import { Link } from 'wouter';
import type { DraftConfigChange } from '@peel/api';
import { links } from '../../app/links.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { useCurrentImage } from '../images/index.js';
import { usePatchConfig } from './api/patch-config.js';
import { useSetTag } from './api/set-tag.js';
import { argvText, describeConfigChange, type ItemChange, type KeyChange } from './config-diff.js';

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
              <ChangeCells change={describeConfigChange(change)} />
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

const ITEM_WORDS: Record<string, [string, string]> = {
  Env: ['variable', 'variables'],
  Labels: ['label', 'labels'],
  ExposedPorts: ['port', 'ports'],
  Volumes: ['volume', 'volumes'],
};

/** The Image and After-export cells of one key: its changed items, its argv, or its two values. */
function ChangeCells({ change }: { change: KeyChange }) {
  if (change.shape === 'value') {
    return (
      <>
        <td className="mono muted config-value">{change.before}</td>
        <td className="mono config-value">{change.after}</td>
      </>
    );
  }
  if (change.shape === 'argv') {
    return (
      <>
        <td className="muted config-value">
          <Argv argv={change.before} />
        </td>
        <td className="config-value">
          <Argv argv={change.after} />
        </td>
      </>
    );
  }
  const [one, many] = ITEM_WORDS[change.key] ?? ['item', 'items'];
  return (
    <td colSpan={2} className="config-value">
      <ul className="config-items" aria-label={`${change.key} changes`}>
        {change.items.map((item) => (
          <Item key={`${item.kind}:${item.name}`} item={item} />
        ))}
        {change.unchanged > 0 ? (
          <li className="muted small">
            {change.unchanged} other {change.unchanged === 1 ? one : many} unchanged
          </li>
        ) : null}
      </ul>
    </td>
  );
}

const MARK = { added: '+', removed: '−', changed: '~' } as const;

function Item({ item }: { item: ItemChange }) {
  return (
    <li className={`config-item item-${item.kind}`}>
      <span className={`item-mark item-${item.kind}`} aria-hidden="true">
        {MARK[item.kind]}
      </span>
      <code className="item-name">{item.name}</code>
      {item.kind === 'changed' ? (
        <>
          {' '}
          <span className="mono muted item-before">{item.before}</span> → <span className="mono item-after">{item.after}</span>
        </>
      ) : null}
      {item.kind === 'added' && item.after !== undefined ? (
        <>
          {' '}
          = <span className="mono item-after">{item.after}</span>
        </>
      ) : null}
      {item.kind === 'removed' && item.before !== undefined ? (
        <>
          {' '}
          = <span className="mono muted item-before">{item.before}</span>
        </>
      ) : null}{' '}
      <span className="item-kind small">{item.kind}</span>
    </li>
  );
}

/** Each argument in its own box, so where one ends is plain; the shell-quoted line as a tooltip. */
function Argv({ argv }: { argv: string[] | null }) {
  if (!argv) return <span className="mono">not set</span>;
  return (
    <ol className="argv" aria-label={argvText(argv)} title={argvText(argv)}>
      {argv.map((arg, i) => (
        <li key={i} className="mono">
          {arg}
        </li>
      ))}
    </ol>
  );
}
