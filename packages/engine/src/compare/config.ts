import type { ImageConfig } from '../types.js';
import type { ConfigChange, ConfigField } from './types.js';

/**
 * The differences of two image configs in the fields a person compares: Env by variable,
 * Labels, ExposedPorts and Volumes by key, Entrypoint and Cmd as whole lists, WorkingDir, User
 * and the platform as strings. In that order; keys sorted within a field.
 */
export function diffConfig(a: ImageConfig, b: ImageConfig): ConfigChange[] {
  const ca = a.config ?? {};
  const cb = b.config ?? {};
  return [
    ...byKey('Env', envMap(ca.Env), envMap(cb.Env)),
    ...whole('Entrypoint', list(ca.Entrypoint), list(cb.Entrypoint)),
    ...whole('Cmd', list(ca.Cmd), list(cb.Cmd)),
    ...whole('WorkingDir', text(ca.WorkingDir), text(cb.WorkingDir)),
    ...whole('User', text(ca.User), text(cb.User)),
    ...byKey('ExposedPorts', keySet(ca.ExposedPorts), keySet(cb.ExposedPorts)),
    ...byKey('Volumes', keySet(ca.Volumes), keySet(cb.Volumes)),
    ...byKey('Labels', labelMap(ca.Labels), labelMap(cb.Labels)),
    ...whole('platform', platformOf(a), platformOf(b)),
  ];
}

/** `os/architecture[/variant]`. */
export function platformOf(c: ImageConfig): string {
  return [c.os ?? 'unknown', c.architecture ?? 'unknown', ...(c.variant ? [c.variant] : [])].join('/');
}

function whole(field: ConfigField, a: string | string[] | null, b: string | string[] | null): ConfigChange[] {
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ field, key: null, a, b }];
}

function byKey(field: ConfigField, a: Map<string, string>, b: Map<string, string>): ConfigChange[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.filter((k) => a.get(k) !== b.get(k)).map((k) => ({ field, key: k, a: a.get(k) ?? null, b: b.get(k) ?? null }));
}

/** `K=V` lines by name; a later duplicate wins, as it does in a container. A line without `=` is a name with an empty value. */
function envMap(env: unknown): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of Array.isArray(env) ? env : []) {
    if (typeof line !== 'string') continue;
    const eq = line.indexOf('=');
    m.set(eq < 0 ? line : line.slice(0, eq), eq < 0 ? '' : line.slice(eq + 1));
  }
  return m;
}

/** ExposedPorts and Volumes are sets written as `{ "80/tcp": {} }`: present keys map to ''. */
function keySet(v: unknown): Map<string, string> {
  return new Map(v && typeof v === 'object' ? Object.keys(v).map((k) => [k, ''] as const) : []);
}

function labelMap(v: unknown): Map<string, string> {
  return new Map(v && typeof v === 'object' ? Object.entries(v).map(([k, x]) => [k, String(x)] as const) : []);
}

function list(v: unknown): string[] | null {
  return Array.isArray(v) ? v.map(String) : null;
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}
