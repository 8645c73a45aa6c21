import { diffLines } from 'diff';

export type LineKind = 'context' | 'add' | 'del';

/** One line of a unified diff; `gap` stands for unchanged lines folded away. */
export type UnifiedRow =
  | { kind: LineKind; oldNo: number | null; newNo: number | null; text: string }
  | { kind: 'gap'; count: number };

export interface SideLine {
  no: number;
  text: string;
  kind: LineKind;
}

/** One row of a side-by-side diff: old on the left, new on the right (either may be empty). */
export type SplitRow = { kind: 'pair'; left: SideLine | null; right: SideLine | null } | { kind: 'gap'; count: number };

export interface DiffSummary {
  added: number;
  removed: number;
}

function splitLines(value: string): string[] {
  const lines = value.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Every line of both texts in diff order, with its kind and line numbers. */
function allLines(oldText: string, newText: string): Array<{ kind: LineKind; oldNo: number | null; newNo: number | null; text: string }> {
  const out: Array<{ kind: LineKind; oldNo: number | null; newNo: number | null; text: string }> = [];
  let oldNo = 1;
  let newNo = 1;
  for (const part of diffLines(oldText, newText)) {
    for (const text of splitLines(part.value)) {
      if (part.added) out.push({ kind: 'add', oldNo: null, newNo: newNo++, text });
      else if (part.removed) out.push({ kind: 'del', oldNo: oldNo++, newNo: null, text });
      else out.push({ kind: 'context', oldNo: oldNo++, newNo: newNo++, text });
    }
  }
  return out;
}

/** Which lines to keep: every change plus `context` lines around it; the rest fold into gaps. */
function keepMask(kinds: LineKind[], context: number): boolean[] {
  const keep = kinds.map(() => false);
  kinds.forEach((kind, i) => {
    if (kind === 'context') return;
    for (let j = Math.max(0, i - context); j <= Math.min(kinds.length - 1, i + context); j += 1) keep[j] = true;
  });
  return keep;
}

/** A unified diff of two texts with `context` unchanged lines around each change. */
export function unifiedRows(oldText: string, newText: string, context = 3): UnifiedRow[] {
  const lines = allLines(oldText, newText);
  const keep = keepMask(lines.map((l) => l.kind), context);
  const rows: UnifiedRow[] = [];
  let folded = 0;
  lines.forEach((line, i) => {
    if (!keep[i]) {
      folded += 1;
      return;
    }
    if (folded) rows.push({ kind: 'gap', count: folded });
    folded = 0;
    rows.push(line);
  });
  if (folded) rows.push({ kind: 'gap', count: folded });
  return rows;
}

/** The same diff side by side: removed lines pair up with the added lines that replace them. */
export function splitRows(oldText: string, newText: string, context = 3): SplitRow[] {
  const rows: SplitRow[] = [];
  let dels: SideLine[] = [];
  let adds: SideLine[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i += 1) {
      rows.push({ kind: 'pair', left: dels[i] ?? null, right: adds[i] ?? null });
    }
    dels = [];
    adds = [];
  };
  for (const row of unifiedRows(oldText, newText, context)) {
    if (row.kind === 'del') dels.push({ no: row.oldNo ?? 0, text: row.text, kind: 'del' });
    else if (row.kind === 'add') adds.push({ no: row.newNo ?? 0, text: row.text, kind: 'add' });
    else {
      flush();
      if (row.kind === 'gap') rows.push(row);
      else rows.push({ kind: 'pair', left: { no: row.oldNo ?? 0, text: row.text, kind: 'context' }, right: { no: row.newNo ?? 0, text: row.text, kind: 'context' } });
    }
  }
  flush();
  return rows;
}

/** Counts of added and removed lines. */
export function summarize(rows: UnifiedRow[]): DiffSummary {
  let added = 0;
  let removed = 0;
  for (const row of rows) {
    if (row.kind === 'add') added += 1;
    else if (row.kind === 'del') removed += 1;
  }
  return { added, removed };
}
