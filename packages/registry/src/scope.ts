/** Token scopes (`repository:team/app:pull,push`): merged so one token covers what a request needs. */
export const pullScope = (repository: string) => `repository:${repository}:pull`;
export const pushScope = (repository: string) => `repository:${repository}:pull,push`;

/** Union of scopes, actions merged per resource, in a stable order (the token cache's key). */
export function mergeScopes(...lists: readonly (readonly string[])[]): string[] {
  const byResource = new Map<string, Set<string>>();
  for (const scope of lists.flat()) {
    for (const one of scope.split(' ')) {
      if (one === '') continue;
      const cut = one.lastIndexOf(':');
      const resource = cut < 0 ? one : one.slice(0, cut);
      const actions = cut < 0 ? [] : one.slice(cut + 1).split(',').filter(Boolean);
      const set = byResource.get(resource) ?? new Set<string>();
      actions.forEach((a) => set.add(a));
      byResource.set(resource, set);
    }
  }
  return [...byResource.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([r, a]) => `${r}:${[...a].sort().join(',')}`);
}
