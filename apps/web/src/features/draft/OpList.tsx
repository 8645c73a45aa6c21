import { Link } from 'wouter';
import type { DraftOpItem, DraftPathChange } from '@peel/api';
import { links } from '../../app/links.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { formatSizeDelta } from '../../lib/format-size.js';
import { useDiscardChange } from './api/discard-change.js';
import { describeOp } from './describe-op.js';

const KIND_MARK = { added: 'A', modified: 'M', deleted: 'D', moved: 'R' } as const;

interface Props {
  imageId: string;
  ops: DraftOpItem[];
  /** The draft's net change per path: a file it modified can be shown as a diff. */
  changes: DraftPathChange[];
  /** The path whose diff is open. */
  selected: string | null;
}

/** The pending file changes in the order they were made, each with a way to discard it (and to see an edit as a diff). */
export function OpList({ imageId, ops, changes, selected }: Props) {
  const discard = useDiscardChange(imageId);
  if (ops.length === 0) return null;
  // A file the image had shows as a diff; a new one as it is.
  const shown = new Map(changes.filter((c) => c.type === 'file' && (c.kind === 'modified' || c.kind === 'added')).map((c) => [c.path, c.kind]));
  return (
    <section className="card wide draft-section" aria-labelledby="draft-files">
      <h2 id="draft-files">File changes ({ops.length})</h2>
      <table className="draft-table">
        <thead>
          <tr>
            <th scope="col" className="num">#</th>
            <th scope="col">Kind</th>
            <th scope="col">Path</th>
            <th scope="col">What</th>
            <th scope="col" className="num">Size</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {ops.map((op) => {
            const failed = discard.isError && discard.variables === op.index;
            return (
              <tr key={op.index} className={`kind-${op.kind}`} aria-current={op.path === selected && op.op === 'write' ? 'true' : undefined}>
                <td className="muted num">{op.index + 1}</td>
                <td>
                  <span className={`kind-mark kind-${op.kind}`} aria-hidden="true">
                    {KIND_MARK[op.kind]}
                  </span>{' '}
                  {op.kind}
                </td>
                <td className="mono path-cell">
                  {op.kind === 'deleted' ? <span className="gone">{op.path}</span> : <Link href={links.files(imageId, { path: op.path })}>{op.path}</Link>}
                  {failed ? <ErrorNote compact error={discard.error} title="Could not discard this change" /> : null}
                </td>
                <td className="small">{describeOp(op)}</td>
                <td className={op.sizeDelta < 0 ? 'num delta shrink' : op.sizeDelta > 0 ? 'num delta grow' : 'num delta'}>{formatSizeDelta(op.sizeDelta)}</td>
                <td className="row-actions">
                  {op.op === 'write' && shown.has(op.path) ? (
                    <Link href={links.draft(imageId, { diff: op.path })} className="button small" aria-label={shown.get(op.path) === 'added' ? `Show ${op.path}` : `Show the diff of ${op.path}`}>
                      {shown.get(op.path) === 'added' ? 'View' : 'Diff'}
                    </Link>
                  ) : null}
                  <button type="button" className="button small" disabled={discard.isPending} aria-label={`Discard: ${op.kind} ${op.path}`} onClick={() => discard.mutate(op.index)}>
                    Discard
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
