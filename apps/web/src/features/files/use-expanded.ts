import { useCallback, useEffect, useState } from 'react';
import { ancestors } from '../../lib/paths.js';

export interface Expanded {
  expanded: ReadonlySet<string>;
  toggle: (path: string, open?: boolean) => void;
  collapseAll: () => void;
}

/**
 * Which directories of a tree are open. The directories above the selected path open by
 * themselves, so a deep link or a followed symlink lands on a visible row.
 */
export function useExpanded(selectedPath: string | null): Expanded {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set(selectedPath ? ancestors(selectedPath).slice(1) : []));

  useEffect(() => {
    if (!selectedPath) return;
    const needed = ancestors(selectedPath).slice(1);
    setExpanded((current) => (needed.every((p) => current.has(p)) ? current : new Set([...current, ...needed])));
  }, [selectedPath]);

  const toggle = useCallback((path: string, open?: boolean) => {
    setExpanded((current) => {
      const isOpen = current.has(path);
      const next = open ?? !isOpen;
      if (next === isOpen) return current;
      const copy = new Set(current);
      if (next) copy.add(path);
      else for (const p of current) if (p === path || p.startsWith(`${path}/`)) copy.delete(p);
      return copy;
    });
  }, []);

  const collapseAll = useCallback(() => setExpanded(new Set()), []);
  return { expanded, toggle, collapseAll };
}
