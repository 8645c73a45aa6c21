import { Link } from 'wouter';
import type { LayerSizeInfo } from '@peel/api';
import { links } from '../../app/links.js';
import { Badge } from '../../components/Badge.js';
import { formatBytesExact, formatSize, formatSizeDelta } from '../../lib/format-size.js';
import { trimCreatedBy } from '../../lib/created-by.js';
import { plural } from '../../lib/plural.js';

/**
 * A bar per layer: its file bytes, split into what is still in the final filesystem and what a
 * later layer deleted or overwrote; with its stored size and its net effect on the filesystem.
 */
export function LayerBars({ imageId, layers }: { imageId: string; layers: LayerSizeInfo[] }) {
  const max = Math.max(1, ...layers.map((l) => l.content));
  return (
    <table className="layer-bars">
      <thead>
        <tr>
          <th scope="col">Layer</th>
          <th scope="col">Step</th>
          <th scope="col" className="bar-col">
            Files: <span className="swatch survives" /> in the final filesystem <span className="swatch removed" /> removed later
          </th>
          <th scope="col" className="num">Stored</th>
          <th scope="col" className="num" title="Bytes the layer wrote minus the bytes it deleted or overwrote">
            Net effect
          </th>
        </tr>
      </thead>
      <tbody>
        {layers.map((l) => (
          <tr key={l.index}>
            <td>
              <Link href={links.layerFiles(imageId, l.index, { sort: 'size' })}>Layer {l.index}</Link>
              {l.fromBase ? (
                <>
                  {' '}
                  <Badge>base</Badge>
                </>
              ) : null}
            </td>
            <td className="step-col" title={l.createdBy ?? ''}>
              <code>{l.createdBy ? trimCreatedBy(l.createdBy) : '–'}</code>
            </td>
            <td className="bar-col">
              <div className="layer-bar" role="img" aria-label={`layer ${l.index}: ${formatSize(l.survives)} in the final filesystem, ${formatSize(l.removedLater)} removed later`}>
                <span className="layer-bar-part survives" style={{ width: `${(l.survives / max) * 100}%` }} />
                <span className="layer-bar-part removed" style={{ width: `${(l.removedLater / max) * 100}%` }} />
              </div>
              <span className="layer-bar-text" title={formatBytesExact(l.content)}>
                {formatSize(l.content)} in {plural(l.files, 'file')}
                {l.removedLater > 0 ? `, ${formatSize(l.removedLater)} removed later` : ''}
              </span>
            </td>
            <td className="num" title={formatBytesExact(l.stored)}>
              {formatSize(l.stored)}
            </td>
            <td className={l.contribution < 0 ? 'num negative' : 'num'} title={`${l.contribution.toLocaleString('en-US')} bytes`}>
              {formatSizeDelta(l.contribution)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
