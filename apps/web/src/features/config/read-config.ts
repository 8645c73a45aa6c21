import { quoteWord } from '../../lib/shell-words.js';

/** The parts of an image config people read, pulled out of the stored JSON tolerantly. */
export interface ReadableConfig {
  architecture: string | null;
  os: string | null;
  variant: string | null;
  created: string | null;
  author: string | null;
  user: string | null;
  workingDir: string | null;
  entrypoint: string[] | null;
  cmd: string[] | null;
  env: Array<[string, string]>;
  exposedPorts: string[];
  volumes: string[];
  labels: Array<[string, string]>;
  stopSignal: string | null;
  healthcheck: string[] | null;
  shell: string[] | null;
  onBuild: string[];
  diffIds: string[];
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const strArray = (v: unknown): string[] | null => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : null);
const keys = (v: unknown): string[] => (v && typeof v === 'object' ? Object.keys(v) : []);

export function readConfig(config: Record<string, unknown>): ReadableConfig {
  const c = (config.config && typeof config.config === 'object' ? config.config : {}) as Record<string, unknown>;
  const rootfs = (config.rootfs && typeof config.rootfs === 'object' ? config.rootfs : {}) as Record<string, unknown>;
  const health = c.Healthcheck && typeof c.Healthcheck === 'object' ? (c.Healthcheck as Record<string, unknown>) : null;
  return {
    architecture: str(config.architecture),
    os: str(config.os),
    variant: str(config.variant),
    created: str(config.created),
    author: str(config.author),
    user: str(c.User),
    workingDir: str(c.WorkingDir),
    entrypoint: strArray(c.Entrypoint),
    cmd: strArray(c.Cmd),
    env: (strArray(c.Env) ?? []).map((line) => {
      const eq = line.indexOf('=');
      return eq < 0 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)];
    }),
    exposedPorts: keys(c.ExposedPorts),
    volumes: keys(c.Volumes),
    labels: Object.entries((c.Labels && typeof c.Labels === 'object' ? c.Labels : {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    stopSignal: str(c.StopSignal),
    healthcheck: health ? strArray(health.Test) : null,
    shell: strArray(c.Shell),
    onBuild: strArray(c.OnBuild) ?? [],
    diffIds: strArray(rootfs.diff_ids) ?? [],
  };
}

/** Quotes one argument for display as a shell word (only when needed). */
export const shellQuote = quoteWord;

/** What `docker run IMAGE` executes: entrypoint followed by cmd, as one command line. */
export function commandLine(entrypoint: string[] | null, cmd: string[] | null): string {
  return [...(entrypoint ?? []), ...(cmd ?? [])].map(shellQuote).join(' ');
}
