import type { LayerEntry } from '@peel/engine';

/** The marker's name as the layer tar holds it: `dir/.wh.name` or `dir/.wh..wh..opq`. */
export function markerPath(m: LayerEntry): string {
  if (m.type === 'opaque') return m.path === '' ? '.wh..wh..opq' : `${m.path}/.wh..wh..opq`;
  const slash = m.path.lastIndexOf('/');
  const parent = slash < 0 ? '' : m.path.slice(0, slash);
  const name = m.path.slice(m.path.lastIndexOf('/') + 1);
  return parent === '' ? `.wh.${name}` : `${parent}/.wh.${name}`;
}

