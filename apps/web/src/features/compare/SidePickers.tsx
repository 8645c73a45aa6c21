import type { ImageSummary } from '@peel/api';
import { useImages } from '../images/index.js';

interface SideProps {
  side: 'A' | 'B';
  imageId: string | undefined;
  layer: number | undefined;
  /** The image as its draft leaves it. */
  draft: boolean;
  /** Null while the list of stored images loads. */
  images: ImageSummary[] | null;
  onChange: (imageId: string | undefined, layer: number | undefined, draft: boolean) => void;
}

/** An image's name with its first tag, as a picker lists it. */
function imageLabel(image: ImageSummary): string {
  const tag = image.tags[0];
  return tag && tag !== image.name ? `${image.name} (${tag})` : image.name;
}

/** One side: which stored image, and whether it stops at one of its layers or carries its draft. */
function SidePicker({ side, imageId, layer, draft, images, onChange }: SideProps) {
  const image = images?.find((i) => i.id === imageId);
  const layerCount = image?.layerCount ?? 0;
  return (
    <fieldset className={`compare-side side-${side.toLowerCase()}`}>
      <legend>
        <span className={`side-mark side-${side.toLowerCase()}`}>{side}</span>
      </legend>
      <select className="text-input" aria-label={`Image ${side}`} value={imageId ?? ''} onChange={(e) => onChange(e.target.value || undefined, undefined, false)}>
        <option value="">Choose an image…</option>
        {imageId && !image ? (
          <option value={imageId}>
            {imageId}
            {images ? ' (not stored)' : ''}
          </option>
        ) : null}
        {(images ?? []).map((i) => (
          <option key={i.id} value={i.id}>
            {imageLabel(i)}
          </option>
        ))}
      </select>
      <select
        className="text-input"
        aria-label={`Layers of ${side}`}
        value={draft ? 'draft' : layer === undefined ? '' : String(layer)}
        disabled={!imageId}
        onChange={(e) => {
          const v = e.target.value;
          onChange(imageId, v === '' || v === 'draft' ? undefined : Number(v), v === 'draft');
        }}
      >
        <option value="">{image ? `All ${layerCount} ${layerCount === 1 ? 'layer' : 'layers'}` : 'All layers'}</option>
        <option value="draft">With its draft (not exported)</option>
        {/* A layer the URL names that the image lacks stays listed, so the server's answer about it is what shows. */}
        {layer !== undefined && layer >= layerCount ? <option value={layer}>As of layer {layer}</option> : null}
        {Array.from({ length: layerCount }, (_, n) => (
          <option key={n} value={n}>
            As of layer {n}
          </option>
        ))}
      </select>
    </fieldset>
  );
}

interface Props {
  a: string | undefined;
  aLayer: number | undefined;
  aDraft: boolean;
  b: string | undefined;
  bLayer: number | undefined;
  bDraft: boolean;
  onChange: (next: { a?: string; aLayer?: number; aDraft: boolean } | { b?: string; bLayer?: number; bDraft: boolean }) => void;
  onSwap: () => void;
}

/** Both sides of a comparison, and a button that swaps them. */
export function SidePickers({ a, aLayer, aDraft, b, bLayer, bDraft, onChange, onSwap }: Props) {
  const images = useImages();
  const list = images.data ?? null;
  return (
    <div className="compare-sides" role="group" aria-label="Sides to compare">
      <SidePicker side="A" imageId={a} layer={aLayer} draft={aDraft} images={list} onChange={(id, layer, draft) => onChange({ a: id, aLayer: layer, aDraft: draft })} />
      <button type="button" className="button small swap-button" onClick={onSwap} disabled={!a && !b} title="Swap A and B">
        ⇄ Swap
      </button>
      <SidePicker side="B" imageId={b} layer={bLayer} draft={bDraft} images={list} onChange={(id, layer, draft) => onChange({ b: id, bLayer: layer, bDraft: draft })} />
    </div>
  );
}
