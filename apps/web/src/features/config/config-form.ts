import { joinWords, splitWords } from '../../lib/shell-words.js';

/** One row of a key/value list (Env, Labels) as typed. */
export interface Pair {
  key: string;
  value: string;
}

/** The editable part of an image's run config, as the form holds it (text, not JSON). */
export interface ConfigForm {
  /** Shell words; empty means "not set". */
  entrypoint: string;
  cmd: string;
  workingDir: string;
  user: string;
  stopSignal: string;
  env: Pair[];
  labels: Pair[];
  exposedPorts: string[];
  volumes: string[];
}

export type ConfigField = keyof ConfigForm;
export type FormErrors = Partial<Record<ConfigField, string>>;

type Config = Record<string, unknown>;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const words = (v: unknown): string => (Array.isArray(v) ? joinWords(v.map(String)) : typeof v === 'string' ? v : '');
const keysOf = (v: unknown): string[] => (v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : []);

/** The form for a run config (the image config's `config` object, draft edits applied). */
export function formFromConfig(c: Config): ConfigForm {
  const env = Array.isArray(c.Env) ? c.Env.map(String) : [];
  const labels = c.Labels && typeof c.Labels === 'object' ? Object.entries(c.Labels as Record<string, unknown>) : [];
  return {
    entrypoint: words(c.Entrypoint),
    cmd: words(c.Cmd),
    workingDir: text(c.WorkingDir),
    user: text(c.User),
    stopSignal: text(c.StopSignal),
    env: env.map((line) => {
      const eq = line.indexOf('=');
      return eq < 0 ? { key: line, value: '' } : { key: line.slice(0, eq), value: line.slice(eq + 1) };
    }),
    labels: labels.map(([key, value]) => ({ key, value: String(value) })),
    exposedPorts: keysOf(c.ExposedPorts),
    volumes: keysOf(c.Volumes),
  };
}

/** "80" → "80/tcp"; null when it is not a port with an optional protocol. */
export function normalizePort(port: string): string | null {
  const match = /^\s*(\d{1,5})(?:\/(tcp|udp|sctp))?\s*$/i.exec(port);
  if (!match || Number(match[1]) < 1 || Number(match[1]) > 65535) return null;
  return `${Number(match[1])}/${(match[2] ?? 'tcp').toLowerCase()}`;
}

function pairsError(pairs: Pair[], what: string, keyRule?: (key: string) => string | null): string | null {
  const seen = new Set<string>();
  for (const { key, value } of pairs) {
    const k = key.trim();
    if (!k) {
      if (value !== '') return `Every ${what} needs a name.`;
      continue;
    }
    const bad = keyRule?.(k);
    if (bad) return bad;
    if (seen.has(k)) return `${k} is listed twice.`;
    seen.add(k);
  }
  return null;
}

/** The form read back into config values, or the first problem of each field. */
export function readForm(form: ConfigForm): { values: Config; errors: FormErrors } {
  const errors: FormErrors = {};
  const values: Config = {};
  for (const field of ['entrypoint', 'cmd'] as const) {
    const parsed = splitWords(form[field]);
    if ('error' in parsed) errors[field] = parsed.error;
    else values[field === 'cmd' ? 'Cmd' : 'Entrypoint'] = parsed.words.length ? parsed.words : null;
  }
  const workingDir = form.workingDir.trim();
  if (workingDir && !workingDir.startsWith('/')) errors.workingDir = 'The working directory must be an absolute path, like /app.';
  values.WorkingDir = workingDir || null;
  values.User = form.user.trim() || null;
  const signal = form.stopSignal.trim();
  if (signal && !/^(?:SIG)?[A-Z0-9+-]+$/i.test(signal)) errors.stopSignal = 'A signal name like SIGTERM, or its number.';
  values.StopSignal = signal || null;

  const envError = pairsError(form.env, 'variable', (k) => (k.includes('=') ? `A variable name cannot contain “=”: ${k}` : null));
  if (envError) errors.env = envError;
  const env = form.env.filter((p) => p.key.trim()).map((p) => `${p.key.trim()}=${p.value}`);
  values.Env = env.length ? env : null;

  const labelError = pairsError(form.labels, 'label');
  if (labelError) errors.labels = labelError;
  const labels = form.labels.filter((p) => p.key.trim());
  values.Labels = labels.length ? Object.fromEntries(labels.map((p) => [p.key.trim(), p.value])) : null;

  const ports: Record<string, object> = {};
  for (const port of form.exposedPorts) {
    const normal = normalizePort(port);
    if (!normal) errors.exposedPorts ??= `Not a port: “${port}”. Use 80, 80/tcp or 53/udp.`;
    else ports[normal] = {};
  }
  values.ExposedPorts = Object.keys(ports).length ? ports : null;

  const volumes: Record<string, object> = {};
  for (const volume of form.volumes) {
    const v = volume.trim();
    if (!v.startsWith('/')) errors.volumes ??= `A volume is an absolute path inside the container: “${volume}”.`;
    else volumes[v] = {};
  }
  values.Volumes = Object.keys(volumes).length ? volumes : null;
  return { values, errors };
}

/** Order-insensitive for objects, order-sensitive for arrays; absent equals null. */
function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => {
    if (v === undefined || v === null) return null;
    if (Array.isArray(v)) return v.map(norm);
    if (typeof v === 'object') return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, norm((v as Config)[k])]));
    return v;
  };
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/**
 * The `PATCH …/draft/config` body: only the keys whose value differs from the current config,
 * `null` for keys the form cleared. Empty strings, objects and lists count as "not set".
 */
export function configPatch(current: Config, values: Config): Config {
  const patch: Config = {};
  for (const [key, value] of Object.entries(values)) {
    const before = current[key];
    const emptyBefore = before === undefined || before === null || before === '' || (typeof before === 'object' && Object.keys(before).length === 0);
    if (value === null ? !emptyBefore : !same(before, value)) patch[key] = value;
  }
  return patch;
}
