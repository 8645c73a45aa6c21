import { useDeferredValue } from 'react';
import { useMutationState } from '@tanstack/react-query';
import type { DockerLoadResult } from '@peel/api';
import { formatAge } from '../../lib/format-time.js';
import { useDockerAvailable, useDockerImageLookup } from '../docker/index.js';
import { exportKeys } from './api/query-keys.js';
import { someOf } from '../../lib/plural.js';

/**
 * Under an export's name: says when Docker already has an image by that name, since loading the
 * export takes the name over (the image it named keeps its other names, or is left untagged).
 * Not about the image this dialog itself just loaded under that name.
 */
export function DockerNameNote({ imageId, name, valid }: { imageId: string; name: string; valid: boolean }) {
  const available = useDockerAvailable();
  const asked = useDeferredValue(name);
  const lookup = useDockerImageLookup(asked, available && valid);
  const loadedHere = useMutationState({
    filters: { mutationKey: exportKeys.loadIntoDocker(imageId), status: 'success' },
    select: (m) => (m.state.data as DockerLoadResult | undefined)?.tags ?? [],
  }).flat();
  const image = lookup.data?.ref === name ? lookup.data.image : null;
  if (!image || image.tags.some((t) => loadedHere.includes(t))) return null;
  const others = image.tags.filter((t) => t !== name);
  return (
    <p className="dialog-note small docker-name-taken" data-testid="docker-name-taken">
      Docker already has an image named <strong>{name}</strong> ({image.id.replace(/^sha256:/, '').slice(0, 12)}, built {formatAge(image.created)}). Loading this
      export into Docker takes the name over: that image {others.length > 0 ? `stays as ${someOf(others)}` : 'is left without a name'}. Choose another name to keep both.
    </p>
  );
}

