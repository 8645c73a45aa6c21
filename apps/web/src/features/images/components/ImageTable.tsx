import { useState } from 'react';
import { Link } from 'wouter';
import type { ImageSummary } from '@peel/api';
import { links } from '../../../app/links.js';
import { formatSize } from '../../../lib/format-size.js';
import { formatAge, formatDateTime } from '../../../lib/format-time.js';
import { ErrorNote } from '../../../components/ErrorNote.js';
import { useDeleteImage } from '../api/delete-image.js';
import { platformLabel } from '../platform.js';

/** Stored images with open and delete (delete asks once more in place); two picked ones compare. */
export function ImageTable({ images }: { images: ImageSummary[] }) {
  const [picked, setPicked] = useState<string[]>([]);
  // An image deleted meanwhile is no longer picked.
  const chosen = picked.filter((id) => images.some((image) => image.id === id));
  const toggle = (id: string, on: boolean) => setPicked(on ? [...chosen.filter((p) => p !== id), id].slice(-2) : chosen.filter((p) => p !== id));
  return (
    <>
      <div className="compare-pick" role="group" aria-label="Compare two images">
        {chosen.length === 2 ? (
          <Link href={links.compare({ a: chosen[0], b: chosen[1] })} className="button primary small">
            Compare
          </Link>
        ) : (
          <button type="button" className="button small" disabled>
            Compare
          </button>
        )}
        <span className="muted small">
          {chosen.length === 2 ? 'The first one picked is A, the second B.' : `Pick two images to compare (${chosen.length} of 2 picked).`}
        </span>
      </div>
      <table className="image-table">
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Pick to compare</span>
            </th>
            <th scope="col">Name</th>
            <th scope="col">Tags</th>
            <th scope="col" className="num">Size</th>
            <th scope="col" className="num">Layers</th>
            <th scope="col">Platform</th>
            <th scope="col">Added</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {images.map((image) => (
            <ImageRow key={image.id} image={image} picked={chosen.includes(image.id)} onPick={(on) => toggle(image.id, on)} />
          ))}
        </tbody>
      </table>
    </>
  );
}

function ImageRow({ image, picked, onPick }: { image: ImageSummary; picked: boolean; onPick: (on: boolean) => void }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteImage();
  return (
    <tr>
      <td>
        <input type="checkbox" checked={picked} onChange={(e) => onPick(e.target.checked)} aria-label={`Pick ${image.name}${image.tags[0] ? ` (${image.tags[0]})` : ''} to compare`} />
      </td>
      <td>
        <Link href={links.image(image.id)} className="image-name">
          {image.name}
        </Link>
        <div className="muted small">{image.format}</div>
      </td>
      <td>
        {image.tags.length ? (
          <ul className="tag-list">
            {image.tags.map((tag) => (
              <li key={tag} className="tag">
                {tag}
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">untagged</span>
        )}
      </td>
      <td className="num">{formatSize(image.size)}</td>
      <td className="num">{image.layerCount}</td>
      <td>{platformLabel(image.platform)}</td>
      <td title={formatDateTime(image.createdAt)}>{formatAge(image.createdAt)}</td>
      <td>
        <div className="actions">
        <Link href={links.image(image.id)} className="button small">
          Open
        </Link>
        {confirming ? (
          <>
            <button type="button" className="button small danger" disabled={remove.isPending} onClick={() => remove.mutate(image.id)}>
              {remove.isPending ? 'Deleting…' : 'Confirm delete'}
            </button>
            <button type="button" className="button small" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" className="button small" onClick={() => setConfirming(true)} aria-label={`Delete ${image.name}`}>
            Delete
          </button>
        )}
        </div>
        {remove.isError ? <ErrorNote compact error={remove.error} title="Delete failed" /> : null}
      </td>
    </tr>
  );
}
