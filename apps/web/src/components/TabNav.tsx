import { Link } from 'wouter';

export interface TabItem {
  label: string;
  href: string;
  active: boolean;
  count?: number | string;
}

/** Navigation tabs that are links: each tab has its own URL. */
export function TabNav({ items, label }: { items: TabItem[]; label: string }) {
  return (
    <nav className="tab-nav" aria-label={label}>
      {items.map((item) => (
        <Link key={item.label} href={item.href} className={item.active ? 'tab active' : 'tab'} aria-current={item.active ? 'page' : undefined}>
          {item.label}
          {item.count !== undefined ? <span className="tab-count">{item.count}</span> : null}
        </Link>
      ))}
    </nav>
  );
}
