/**
 * layer_entries for reads by folder (`layer = ? AND parent = ?`). Named, because SQLite picked the
 * primary key (layer, seq) for some of them — a scan of the layer's every entry per lookup (8 ms on
 * a 100,000-entry layer) — when an ORDER BY was not the index's own.
 */
export const LAYER_BY_DIR = 'layer_entries INDEXED BY layer_entries_by_dir';
