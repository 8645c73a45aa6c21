/**
 * ASCII letters lowered, nothing else: how a path search ignores case, the way the stores'
 * lower() does (SQLite's, and the PostgreSQL store's under COLLATE "C").
 */
export const lowerAscii = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
