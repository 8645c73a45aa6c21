import type { IncomingMessage } from 'node:http';
import type { DockerImage } from '@peel/api';
import type { DockerClient } from './client.js';
import { DockerEngineError } from './errors.js';

interface EngineImage {
  Id: string;
  RepoTags: string[] | null;
  Created: number;
  Size: number;
}

interface EngineImageInspect {
  Id: string;
  RepoTags: string[] | null;
  Size: number;
  Created: string;
}

/** `<none>:<none>` and friends are how the engine says "untagged". */
const realTags = (tags: string[] | null | undefined): string[] => (tags ?? []).filter((t) => !t.startsWith('<none>'));

/** The engine's images, one per id with all of its tags, newest first. */
export async function listImages(docker: DockerClient): Promise<DockerImage[]> {
  const rows = await docker.json<EngineImage[]>({ method: 'GET', path: '/images/json' });
  return (rows ?? [])
    .map((r) => {
      const tags = realTags(r.RepoTags).sort();
      return { id: r.Id, tags, ref: tags[0] ?? r.Id, size: r.Size, created: new Date(r.Created * 1000).toISOString() };
    })
    .sort((a, b) => b.created.localeCompare(a.created) || a.ref.localeCompare(b.ref));
}

export async function inspectImage(docker: DockerClient, ref: string): Promise<{ id: string; tags: string[]; size: number }> {
  const r = await docker.json<EngineImageInspect>({ method: 'GET', path: `/images/${refPath(ref)}/json` });
  return { id: r.Id, tags: realTags(r.RepoTags), size: r.Size };
}

/** The image the engine has under a name (its own reading of the name: `alpine` is `alpine:latest`), or null. */
export async function lookupImage(docker: DockerClient, ref: string): Promise<DockerImage | null> {
  try {
    const r = await docker.json<EngineImageInspect>({ method: 'GET', path: `/images/${refPath(ref)}/json` });
    const tags = realTags(r.RepoTags).sort();
    return { id: r.Id, tags, ref: tags[0] ?? r.Id, size: r.Size, created: new Date(r.Created).toISOString() };
  } catch (err) {
    if (err instanceof DockerEngineError && err.engineStatus === 404) return null;
    throw err;
  }
}

/**
 * What `docker save` writes, as a stream. A tag is saved as itself; an image id is saved with
 * all of its tags (saving by bare id would drop them), or bare when it has none.
 */
export async function saveImage(docker: DockerClient, ref: string, signal: AbortSignal): Promise<{ body: IncomingMessage; name: string; size: number }> {
  const image = await inspectImage(docker, ref);
  const byId = image.id === ref || image.id === `sha256:${ref}` || (/^(sha256:)?[0-9a-f]{6,64}$/.test(ref) && image.id.includes(ref));
  if (byId && image.tags.length > 0) {
    const body = await docker.request({ method: 'GET', path: '/images/get', query: { names: image.tags }, signal });
    return { body, name: image.tags[0], size: image.size };
  }
  const name = byId ? image.id : ref;
  const body = await docker.request({ method: 'GET', path: `/images/${refPath(name)}/get`, signal });
  return { body, name: byId ? shortId(image.id) : ref, size: image.size };
}

/** A reference as a path segment the engine's router reads back: `/`, `:` and `@` stay as they are (as the docker CLI sends them). */
export const refPath = (ref: string): string =>
  ref.split('/').map((s) => encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%40/g, '@')).join('/');

export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);
