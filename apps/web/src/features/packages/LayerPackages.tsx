import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { links } from '../../app/links.js';
import { formatBytesExact } from '../../lib/format-size.js';
import { packagesSummaryOptions } from './api/get-packages.js';
import { layerCountsText } from './packages-text.js';

/**
 * What one layer did to the image's packages ("installed 37 packages (112 MB), upgraded 2"), a
 * link to them; nothing while they are read, or for a layer that changed none.
 */
export function LayerPackages({ imageId, layer }: { imageId: string; layer: number }) {
  const summary = useQuery(packagesSummaryOptions(imageId));
  const counts = summary.data?.layers.find((l) => l.layer === layer);
  if (!counts || counts.installed + counts.upgraded + counts.removed === 0) return null;
  return (
    <Link href={links.packages(imageId, { layer })} className="layer-packages small" title={`packages it installed: ${formatBytesExact(counts.bytes)} in the final filesystem`} onClick={(e) => e.stopPropagation()}>
      {layerCountsText(counts)}
    </Link>
  );
}
