import { useRef } from 'react';
import { Link } from 'wouter';
import type { ImageDetail, PlatformChoice } from '@peel/api';
import { links } from '../../app/links.js';
import { platformLabel } from '../images/index.js';
import { useUpload } from '../upload/index.js';

/**
 * The platforms of a multi-platform archive. Peel stores one platform per image: another one
 * opens from the same archive, re-sent with `?platform=` (from memory when it was opened in this
 * session, else picked again).
 */
export function PlatformSwitcher({ image }: { image: ImageDetail }) {
  const { start, fileOf, state } = useUpload();
  const input = useRef<HTMLInputElement>(null);
  const pending = useRef<string | null>(null);
  if (image.platforms.length < 2) return null;
  const current = platformLabel(image.platform);
  const busy = state.status === 'uploading' || state.status === 'processing';

  const open = (choice: PlatformChoice) => {
    const platform = platformLabel(choice.platform);
    const file = fileOf(image.id);
    if (file) start(file, { platform });
    else {
      pending.current = platform;
      input.current?.click();
    }
  };

  return (
    <div className="platforms" role="group" aria-label="Platforms in this archive">
      {image.platforms.map((choice) => {
        const label = platformLabel(choice.platform);
        if (label === current) {
          return (
            <span key={label} className="platform current" aria-current="true">
              {label}
            </span>
          );
        }
        if (choice.imageId) {
          return (
            <Link key={label} href={links.image(choice.imageId)} className="platform">
              {label}
            </Link>
          );
        }
        if (!choice.available) {
          return (
            <span key={label} className="platform missing" title="Listed by the index, but its blobs are not in the archive">
              {label} (not in archive)
            </span>
          );
        }
        return (
          <button key={label} type="button" className="platform" disabled={busy} onClick={() => open(choice)} title={`Open the ${label} image of this archive`}>
            Open {label}
          </button>
        );
      })}
      <input
        ref={input}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Archive to open another platform from"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file && pending.current) start(file, { platform: pending.current });
        }}
      />
    </div>
  );
}
