import { Link } from 'wouter';
import type { WasteFindings } from '@peel/api';
import { links } from '../../app/links.js';
import { Digest } from '../../components/Digest.js';
import { formatBytesExact, formatSize } from '../../lib/format-size.js';
import { copySentences, percent, survivorSentence } from './describe.js';
import { RemoveFromLayers } from './RemoveFromLayers.js';
import { plural } from '../../lib/plural.js';

/** The waste figure with its formula worked out, then each path or duplicate that makes it up. */
export function WasteList({ imageId, waste, isOwn }: { imageId: string; waste: WasteFindings; isOwn: (layer: number) => boolean }) {
  const items = waste.items.filter((i) => i.copies.some((c) => isOwn(c.layer)));
  return (
    <>
      <div className="waste-formula" aria-label="How waste is counted">
        <p>
          <strong>Reclaimable = shipped − unique</strong> = {formatSize(waste.shipped)} − {formatSize(waste.unique)} ={' '}
          <strong title={formatBytesExact(waste.bytes)}>{formatSize(waste.bytes)}</strong>
          {' · '}
          <strong>Efficiency = unique ÷ shipped</strong> = {percent(waste.efficiency)}
        </p>
        <p className="muted">
          Shipped: every file copy in every layer. Unique: the distinct file contents (by sha256) of the final filesystem. So a copy that a later layer
          deleted or overwrote counts once ({formatSize(waste.removed)} here), identical files that survive n times count n − 1 times (
          {formatSize(waste.duplicate)}), and the copy that survives never counts (dive counts it as well, so it counts an overwritten file twice: wagoodman/dive#684).
        </p>
      </div>
      {items.length === 0 ? (
        <p className="findings-empty">No waste{waste.itemCount > 0 ? ' in the layers shown' : ''}: nothing is deleted, overwritten or stored twice.</p>
      ) : (
        <ul className="finding-list waste-list" aria-label="Waste">
          {items.map((item) =>
            item.kind === 'removed' ? (
              <li key={`r:${item.path}`} className="finding waste-item">
                <div className="finding-head">
                  <Link href={links.layerFiles(imageId, item.copies[0].layer, { path: item.path })} className="finding-file">
                    {item.path}
                  </Link>
                  <strong className="waste-bytes" title={formatBytesExact(item.bytes)}>
                    {formatSize(item.bytes)}
                  </strong>
                </div>
                <ul className="waste-copies">
                  {copySentences(item).map((text, i) => (
                    <li key={i}>{text}</li>
                  ))}
                  <li className="muted">{survivorSentence(item)}</li>
                </ul>
                {item.survivor === null ? <RemoveFromLayers imageId={imageId} path={item.path} /> : null}
              </li>
            ) : (
              <li key={`d:${item.digest}`} className="finding waste-item">
                <div className="finding-head">
                  <span>
                    {plural(item.copies.length, 'identical copy', 'identical copies')} of <Digest value={item.digest} /> ({formatSize(item.size)} each)
                  </span>
                  <strong className="waste-bytes" title={formatBytesExact(item.bytes)}>
                    {formatSize(item.bytes)}
                  </strong>
                </div>
                <ul className="waste-copies">
                  {item.copies.map((c) => (
                    <li key={`${c.layer}:${c.path}`}>
                      <Link href={links.files(imageId, { path: c.path })}>{c.path}</Link> <span className="muted">from layer {c.layer}</span>
                    </li>
                  ))}
                </ul>
              </li>
            ),
          )}
        </ul>
      )}
      {waste.itemCount > waste.items.length ? <p className="muted">The {waste.items.length.toLocaleString('en-US')} largest of {plural(waste.itemCount, 'item')} are listed.</p> : null}
    </>
  );
}
