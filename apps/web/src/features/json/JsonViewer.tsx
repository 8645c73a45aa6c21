import { useState, type ReactNode } from 'react';
import { Link } from 'wouter';
import { plural } from '../../lib/plural.js';

/** Where a string value leads (a digest, an archive path), or null when it names nothing here. */
export type LinkResolver = (value: string) => string | null;

interface Props {
  value: unknown;
  resolveLink?: LinkResolver;
  /** Levels open at first; deeper objects start folded. */
  openDepth?: number;
  label: string;
}

/** Pretty, foldable JSON; digests and paths that name a blob or layer of this image are links. */
export function JsonViewer({ value, resolveLink, openDepth = 3, label }: Props) {
  const [generation, setGeneration] = useState(0);
  const [depth, setDepth] = useState(openDepth);
  return (
    <div className="json-viewer">
      <div className="viewer-toolbar">
        <button type="button" className="button small" onClick={() => { setDepth(99); setGeneration(generation + 1); }}>
          Expand all
        </button>
        <button type="button" className="button small" onClick={() => { setDepth(1); setGeneration(generation + 1); }}>
          Collapse all
        </button>
      </div>
      <div className="json-body mono" role="tree" aria-label={label}>
        <JsonNode key={generation} value={value} depth={0} openDepth={depth} resolveLink={resolveLink} last />
      </div>
    </div>
  );
}

function Scalar({ value, resolveLink }: { value: unknown; resolveLink?: LinkResolver }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === 'number') return <span className="json-number">{value}</span>;
  if (typeof value === 'boolean') return <span className="json-bool">{String(value)}</span>;
  const text = String(value);
  const href = typeof value === 'string' && resolveLink ? resolveLink(value) : null;
  if (href) {
    return (
      <span className="json-string">
        "
        <Link href={href} className="json-digest" title={`Open ${value}`}>
          {text}
        </Link>
        "
      </span>
    );
  }
  return <span className="json-string">{JSON.stringify(text)}</span>;
}

interface NodeProps {
  name?: ReactNode;
  value: unknown;
  depth: number;
  openDepth: number;
  resolveLink?: LinkResolver;
  last: boolean;
}

function JsonNode({ name, value, depth, openDepth, resolveLink, last }: NodeProps) {
  const isObject = value !== null && typeof value === 'object';
  const [open, setOpen] = useState(depth < openDepth);
  const comma = last ? '' : ',';
  const keyPart = name !== undefined ? (
    <>
      <span className="json-key">{name}</span>:{' '}
    </>
  ) : null;
  if (!isObject) {
    return (
      <div className="json-line" style={{ paddingLeft: depth * 16 + 18 }}>
        {keyPart}
        <Scalar value={value} resolveLink={resolveLink} />
        {comma}
      </div>
    );
  }
  const isArray = Array.isArray(value);
  const entries: Array<[string, unknown]> = isArray ? (value as unknown[]).map((v, i) => [String(i), v]) : Object.entries(value as object);
  const [openChar, closeChar] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return (
      <div className="json-line" style={{ paddingLeft: depth * 16 + 18 }}>
        {keyPart}
        {openChar}
        {closeChar}
        {comma}
      </div>
    );
  }
  return (
    <div role="treeitem" aria-expanded={open} aria-label={name !== undefined ? String(name) : 'root'}>
      <div className="json-line" style={{ paddingLeft: depth * 16 }}>
        <button type="button" className="json-toggle" aria-label={open ? 'Fold' : 'Unfold'} onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'}
        </button>
        {keyPart}
        {openChar}
        {open ? null : (
          <button type="button" className="json-folded" onClick={() => setOpen(true)}>
            {isArray ? plural(entries.length, 'item') : plural(entries.length, 'key')}
          </button>
        )}
        {open ? null : `${closeChar}${comma}`}
      </div>
      {open ? (
        <div role="group">
          {entries.map(([key, child], i) => (
            <JsonNode
              key={key}
              name={isArray ? undefined : JSON.stringify(key)}
              value={child}
              depth={depth + 1}
              openDepth={openDepth}
              resolveLink={resolveLink}
              last={i === entries.length - 1}
            />
          ))}
          <div className="json-line" style={{ paddingLeft: depth * 16 + 18 }}>
            {closeChar}
            {comma}
          </div>
        </div>
      ) : null}
    </div>
  );
}
