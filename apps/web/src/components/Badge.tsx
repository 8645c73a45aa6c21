import type { ReactNode } from 'react';

export type BadgeTone = 'neutral' | 'accent' | 'added' | 'modified' | 'deleted' | 'warning';

/** A small label: a role, a layer number, a change kind. */
export function Badge({ tone = 'neutral', children, title }: { tone?: BadgeTone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}
