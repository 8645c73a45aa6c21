import { useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type RefObject } from 'react';
import { useLocation } from 'wouter';
import type { SizeTreeNode } from '@peel/api';
import { links } from '../../app/links.js';
import { formatBytesExact, formatSize } from '../../lib/format-size.js';
import { layerColor, layoutTreemap, type TreemapBox } from './treemap-layout.js';

const H = 420;

/**
 * The final filesystem as a squarified treemap: area is size, a file's colour is the layer that
 * wrote it. Every box is a link into the merged file view.
 */
export function SizeTreemap({ imageId, tree }: { imageId: string; tree: SizeTreeNode }) {
  const [, navigate] = useLocation();
  const frame = useRef<HTMLElement>(null);
  const width = useWidth(frame);
  // Laid out in screen pixels, so labels keep their shape and their fit can be judged.
  const boxes = useMemo(() => (width > 0 ? layoutTreemap(tree, { x: 0, y: 0, w: width, h: H }) : []), [tree, width]);
  const layers = useMemo(() => [...new Set(boxes.filter((b) => b.node.type === 'file').map((b) => b.node.layer!))].sort((a, b) => a - b), [boxes]);
  if (tree.size === 0) return <p className="findings-empty">The final filesystem holds no file bytes.</p>;
  return (
    <figure className="treemap" ref={frame}>
      <svg viewBox={`0 0 ${Math.max(width, 1)} ${H}`} height={H} role="group" aria-label={`Treemap of the final filesystem, ${formatSize(tree.size)}`}>
        <defs>
          <pattern id="treemap-other" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" className="treemap-other-bg" />
            <line x1="0" y1="0" x2="0" y2="6" className="treemap-other-line" />
          </pattern>
        </defs>
        {boxes.map((b) => {
          const href = links.files(imageId, { path: b.node.path });
          return (
            <a
              key={`${b.node.type}:${b.node.path}:${b.node.name}`}
              href={href}
              onClick={(event) => {
                if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                event.preventDefault();
                navigate(href);
              }}
            >
              <title>{`${b.node.type === 'other' ? `${b.node.path}: ${b.node.name}` : b.node.path} — ${formatBytesExact(b.node.size)}${b.node.layer !== null ? `, layer ${b.node.layer}` : ''}`}</title>
              <rect x={b.rect.x} y={b.rect.y} width={b.rect.w} height={b.rect.h} className={`treemap-box ${b.group ? 'group' : b.node.type}`} style={fill(b)} />
              <BoxLabel box={b} />
            </a>
          );
        })}
      </svg>
      <figcaption className="treemap-legend">
        <span>Area = size in the final filesystem; colour = the layer that wrote the file.</span>
        {layers.map((l) => (
          <span key={l} className="legend-item">
            <span className="legend-swatch" style={{ background: layerColor(l) }} /> layer {l}
          </span>
        ))}
        <span className="legend-item">
          <span className="legend-swatch other" /> small entries, together
        </span>
      </figcaption>
    </figure>
  );
}

/** The element's content width, kept up to date as the window changes. */
function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setWidth(Math.floor(element.clientWidth));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

function fill(b: TreemapBox): CSSProperties | undefined {
  if (b.group) return undefined;
  if (b.node.type === 'file' && b.node.layer !== null) return { fill: layerColor(b.node.layer) };
  if (b.node.type === 'other') return { fill: 'url(#treemap-other)' };
  return undefined;
}

function BoxLabel({ box }: { box: TreemapBox }) {
  const { rect, node, group } = box;
  if (rect.w < 46 || rect.h < 14) return null;
  const chars = Math.floor((rect.w - 8) / 6.6);
  const text = `${node.name} ${formatSize(node.size)}`;
  const shown = text.length > chars ? `${text.slice(0, Math.max(1, chars - 1))}…` : text;
  return (
    <text x={rect.x + 4} y={rect.y + 12} className={group ? 'treemap-label group' : 'treemap-label'}>
      {shown}
    </text>
  );
}
