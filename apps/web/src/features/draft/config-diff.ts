import type { DraftConfigChange } from '@peel/api';
import { quoteWord } from '../../lib/shell-words.js';
import { configValueText } from './describe-op.js';

/** One variable, label, port or volume the draft adds, removes or changes. */
export interface ItemChange {
  kind: 'added' | 'removed' | 'changed';
  /** The variable's name, the label's key, the port or the volume. */
  name: string;
  /** Env and Labels: the value before / after (absent for a removed or added one, and for sets). */
  before?: string;
  after?: string;
}

/**
 * How a config key's change reads best: by item for maps and sets (only what changed, and how
 * many stayed), as argv before/after for commands, as two values for everything else.
 */
export type KeyChange =
  | { shape: 'items'; key: string; items: ItemChange[]; unchanged: number }
  | { shape: 'argv'; key: string; before: string[] | null; after: string[] | null }
  | { shape: 'value'; key: string; before: string; after: string };

const ARGV_KEYS = new Set(['Cmd', 'Entrypoint', 'Shell']);
const SET_KEYS = new Set(['ExposedPorts', 'Volumes']);

export function describeConfigChange(change: DraftConfigChange): KeyChange {
  const { key, before, after } = change;
  if (key === 'Env' && isStringList(before) && isStringList(after)) return itemsChange(key, envMap(before), envMap(after));
  if (key === 'Labels' && isStringMap(before) && isStringMap(after)) return itemsChange(key, toMap(before), toMap(after));
  if (SET_KEYS.has(key) && isObjectOrNull(before) && isObjectOrNull(after)) return itemsChange(key, setMap(before), setMap(after), false);
  if (ARGV_KEYS.has(key) && isStringList(before) && isStringList(after)) return { shape: 'argv', key, before: before ?? null, after: after ?? null };
  return { shape: 'value', key, before: configValueText(before), after: configValueText(after) };
}

/** An argv as a shell would read it back: `sh -c 'echo hi'`. */
export function argvText(argv: string[]): string {
  return argv.map(quoteWord).join(' ');
}

function itemsChange(key: string, before: Map<string, string>, after: Map<string, string>, withValues = true): KeyChange {
  const items: ItemChange[] = [];
  let unchanged = 0;
  for (const [name, value] of after) {
    const old = before.get(name);
    if (old === undefined) items.push(withValues ? { kind: 'added', name, after: value } : { kind: 'added', name });
    else if (old !== value) items.push({ kind: 'changed', name, before: old, after: value });
    else unchanged += 1;
  }
  for (const [name, value] of before) {
    if (!after.has(name)) items.push(withValues ? { kind: 'removed', name, before: value } : { kind: 'removed', name });
  }
  return { shape: 'items', key, items, unchanged };
}

/** `NAME=value` lines by name; a later line of the same name wins, as in a container. */
function envMap(list: string[] | null | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of list ?? []) {
    const eq = line.indexOf('=');
    map.set(eq < 0 ? line : line.slice(0, eq), eq < 0 ? '' : line.slice(eq + 1));
  }
  return map;
}

function toMap(object: Record<string, string> | null | undefined): Map<string, string> {
  return new Map(Object.entries(object ?? {}));
}

function setMap(object: Record<string, unknown> | null | undefined): Map<string, string> {
  return new Map(Object.keys(object ?? {}).map((name) => [name, '']));
}

const isStringList = (value: unknown): value is string[] | null | undefined =>
  value === null || value === undefined || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
const isObjectOrNull = (value: unknown): value is Record<string, unknown> | null | undefined =>
  value === null || value === undefined || (typeof value === 'object' && !Array.isArray(value));
const isStringMap = (value: unknown): value is Record<string, string> | null | undefined =>
  isObjectOrNull(value) && Object.values(value ?? {}).every((v) => typeof v === 'string');
