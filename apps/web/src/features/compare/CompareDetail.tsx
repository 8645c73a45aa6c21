import type { CompareItem, CompareNode, CompareSide } from '@peel/api';
import { Badge, type BadgeTone } from '../../components/Badge.js';
import { Digest } from '../../components/Digest.js';
import { formatBytesExact, formatSize, formatSizeDelta } from '../../lib/format-size.js';
import { formatDateTime } from '../../lib/format-time.js';
import { modeOctal, modeString } from '../../lib/mode-string.js';
import { DiffView, type DiffSide } from '../changes/index.js';
import { FileViewer, HexView, type ContentLayer } from '../viewer/index.js';
import { belowText, bothFiles, fieldChanges } from './compare-text.js';
import { CHANGE_LABEL, CHANGE_TONE } from './ChangeMark.js';

/** The hex dumps of two binaries show this much of each. */
const HEX_BYTES = 64 * 1024;

interface Props {
  a: CompareSide;
  b: CompareSide;
  item: CompareItem;
  view: 'split' | 'unified';
  onViewChange: (view: 'split' | 'unified') => void;
}

const sideName = (side: CompareSide) => side.tags[0] ?? side.name;
const sideLabel = (letter: 'A' | 'B', side: CompareSide) =>
  `${letter}: ${sideName(side)}${side.draft ? ' with its draft' : side.asOfLayer !== null ? ` as of layer ${side.asOfLayer}` : ''}`;
/**
 * Where a side's bytes at a path are read: its entry's layer, or the draft's filesystem for a
 * draft side (what the draft moved or wrote is in no stored layer at that path).
 */
const sourceOf = (side: CompareSide, node: CompareNode | null | undefined): ContentLayer => (side.draft ? 'draft' : node?.layer);

const ROWS: Array<{ label: string; fields: string[]; get: (n: CompareNode) => string }> = [
  { label: 'Type', fields: [], get: (n) => n.type },
  { label: 'Size', fields: ['content'], get: (n) => (n.type === 'file' ? formatBytesExact(n.size) : '–') },
  { label: 'Mode', fields: ['mode'], get: (n) => `${modeOctal(n.mode)} ${modeString(n.type, n.mode)}` },
  { label: 'Owner', fields: ['uid', 'gid'], get: (n) => `${n.uid}:${n.gid}` },
  { label: 'Modified', fields: ['mtime'], get: (n) => formatDateTime(n.mtime) },
  { label: 'Link target', fields: ['linkTarget'], get: (n) => n.linkTarget ?? '–' },
  { label: 'Device', fields: ['device'], get: (n) => n.device ?? '–' },
  { label: 'Layer', fields: [], get: (n) => String(n.layer) },
];

/** Both sides' entries at one path, row by row, with what differs marked; a path on one side only shows that side. */
function SidesTable({ item, a, b }: { item: CompareItem; a: CompareSide; b: CompareSide }) {
  const changed = (fields: string[], label: string) =>
    item.change === 'type' ? label === 'Type' : fields.some((f) => (item.fields as string[]).includes(f));
  const sides = [
    { key: 'a', label: sideLabel('A', a), node: item.a },
    { key: 'b', label: sideLabel('B', b), node: item.b },
  ].filter((side) => side.node !== null) as Array<{ key: string; label: string; node: CompareNode }>;
  const both = sides.length === 2;
  return (
    <table className="meta-diff compare-sides-table">
      <thead>
        <tr>
          <th scope="col" />
          {sides.map((side) => (
            <th key={side.key} scope="col">
              {both ? side.label : `Only in ${side.label}`}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {ROWS.filter((row) => row.label !== 'Device' || item.a?.device || item.b?.device).map((row) => (
          <tr key={row.label} className={both && changed(row.fields, row.label) ? 'changed' : undefined}>
            <th scope="row">{row.label}</th>
            {sides.map((side) => (
              <td key={side.key} className="mono">
                {row.get(side.node)}
              </td>
            ))}
          </tr>
        ))}
        {sides.some((side) => side.node.digest) ? (
          <tr className={item.fields.includes('content') ? 'changed' : undefined}>
            <th scope="row">SHA-256</th>
            {sides.map((side) => (
              <td key={side.key}>{side.node.digest ? <Digest value={side.node.digest} /> : '–'}</td>
            ))}
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}

/** Two binaries: their sizes and digests (in the table above) and the hex of the start of both. */
function BinaryBoth({ item, a, b }: { item: CompareItem; a: CompareSide; b: CompareSide }) {
  const aNode = item.a as CompareNode;
  const bNode = item.b as CompareNode;
  return (
    <div className="compare-binary">
      <p className="small">
        Binary or large file: {formatSize(aNode.size)} → {formatSize(bNode.size)} ({formatSizeDelta(bNode.size - aNode.size)}),{' '}
        {aNode.digest === bNode.digest ? 'the same bytes' : 'different bytes'}.
        {Math.max(aNode.size, bNode.size) > HEX_BYTES ? ` The hex dumps show the first ${formatSize(HEX_BYTES)} of each.` : ''}
      </p>
      <div className="compare-hex-pair">
        <section aria-label={`Hex of ${sideLabel('A', a)}`}>
          <h3 className="small">{sideLabel('A', a)}</h3>
          <HexView imageId={a.id} path={item.path} layer={sourceOf(a, aNode)} windowStart={0} windowLength={Math.min(HEX_BYTES, aNode.size)} />
        </section>
        <section aria-label={`Hex of ${sideLabel('B', b)}`}>
          <h3 className="small">{sideLabel('B', b)}</h3>
          <HexView imageId={b.id} path={item.path} layer={sourceOf(b, bNode)} windowStart={0} windowLength={Math.min(HEX_BYTES, bNode.size)} />
        </section>
      </div>
    </div>
  );
}

/** One path compared: a text diff, two binaries, two link targets, or exactly which attributes changed. */
export function CompareDetail({ a, b, item, view, onViewChange }: Props) {
  const changes = fieldChanges(item).filter((c) => c.field !== 'content');
  const before: DiffSide = { imageId: a.id, source: sourceOf(a, item.a), label: sideLabel('A', a) };
  const after: DiffSide = { imageId: b.id, source: sourceOf(b, item.b), label: sideLabel('B', b) };
  const contentChanged = item.change === 'modified' && item.fields.includes('content') && bothFiles(item);
  return (
    <div className="entry-detail compare-detail">
      <div className="entry-head">
        <h2 className={item.change === 'removed' ? 'entry-title gone' : 'entry-title'}>{item.name}</h2>
        {item.change ? <Badge tone={CHANGE_TONE[item.change] as BadgeTone}>{item.mtimeOnly ? 'mtime only' : CHANGE_LABEL[item.change]}</Badge> : null}
        {item.changesBelow > 0 ? <Badge tone="accent">{belowText(item)}</Badge> : item.change ? null : <Badge>unchanged</Badge>}
      </div>
      <div className="entry-path mono">{item.path}</div>
      <SidesTable item={item} a={a} b={b} />
      {changes.length > 0 ? (
        <section className="compare-fields" aria-label="What changed">
          <h3 className="small">What changed</h3>
          <ul>
            {changes.map((c) => (
              <li key={c.field}>
                <strong>{c.label}</strong>: <span className="mono diff-del">{c.a}</span> → <span className="mono diff-add">{c.b}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {contentChanged ? (
        <DiffView imageId={a.id} path={item.path} before={before} after={after} view={view} onViewChange={onViewChange} binary={<BinaryBoth item={item} a={a} b={b} />} />
      ) : null}
      {item.change === 'added' && item.b?.type === 'file' ? <FileViewer imageId={b.id} path={item.path} layer={sourceOf(b, item.b)} name={item.name} /> : null}
      {item.change === 'removed' && item.a?.type === 'file' ? <FileViewer imageId={a.id} path={item.path} layer={sourceOf(a, item.a)} name={item.name} /> : null}
      {item.change === 'metadata' ? <p className="muted small">The contents are the same on both sides; only the attributes above differ.</p> : null}
    </div>
  );
}
