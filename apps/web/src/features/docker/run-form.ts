import type { DockerRunRequest } from '@peel/api';
import { splitWords } from '../../lib/shell-words.js';

/** What a person types into the Run form. */
export interface RunFields {
  ref: string;
  /** Shell words; empty keeps the image's CMD. */
  command: string;
  /** Shell words; empty keeps the image's ENTRYPOINT, `''` clears it. */
  entrypoint: string;
  /** One `KEY=value` per line. */
  env: string;
  tty: boolean;
}

/** The form → the run request, or the first thing wrong with it (in words for the form). */
export function buildRunRequest(fields: RunFields): { request: DockerRunRequest } | { error: string } {
  const ref = fields.ref.trim();
  if (!ref) return { error: 'Name the image to run (a tag such as alpyne:latest, or an image id).' };
  if (/\s/.test(ref)) return { error: 'An image reference has no spaces.' };
  const request: DockerRunRequest = { ref, tty: fields.tty };
  if (fields.command.trim()) {
    const cmd = splitWords(fields.command);
    if ('error' in cmd) return { error: `Command: ${cmd.error}` };
    request.cmd = cmd.words;
  }
  if (fields.entrypoint.trim()) {
    const entrypoint = splitWords(fields.entrypoint);
    if ('error' in entrypoint) return { error: `Entrypoint: ${entrypoint.error}` };
    request.entrypoint = entrypoint.words;
  }
  const env: string[] = [];
  for (const [i, raw] of fields.env.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    if (!/^[^=\s]+=/.test(line)) return { error: `Environment line ${i + 1} is not KEY=value: ${line}` };
    env.push(line);
  }
  if (env.length) request.env = env;
  return { request };
}
