import type { QueryClient, QueryKey } from '@tanstack/react-query';

/** A listing loaded page by page: the rows so far and the cursor of the next page. */
export interface LoadedRows {
  items: unknown[];
  next: string | null;
}

const loading = new Map<string, Promise<void>>();

/**
 * Grows the cached listing under `queryKey` until it holds `rows` rows, with `extend` fetching
 * the pages that follow `current`; one load per listing at a time (callers asking meanwhile
 * share it). A refetch that replaced the listing while pages loaded wins over them.
 */
export function loadRows<T extends LoadedRows>(client: QueryClient, queryKey: QueryKey, rows: number, extend: (current: T) => Promise<T>): Promise<void> {
  const id = JSON.stringify(queryKey);
  const current = client.getQueryData<T>(queryKey);
  if (!current || current.next === null || current.items.length >= rows || loading.has(id)) return loading.get(id) ?? Promise.resolve();
  const run = extend(current)
    .then((next) => {
      if (client.getQueryData(queryKey) === current) client.setQueryData(queryKey, next);
    })
    .catch(() => undefined)
    .finally(() => loading.delete(id));
  loading.set(id, run);
  return run;
}
