import type { HistoryStep, ImageConfig } from '../../types.js';
import type { SecretSource } from '../types.js';
import { isSecretName } from './names.js';
import { assignmentMatches, dedupe, shapeMatches, urlCredentialMatches, type LineMatch } from './rules.js';
import { isPlaceholder, looksRandom, maskedPreview } from './values.js';

export interface ConfigHit {
  source: SecretSource;
  path: string | null;
  line: number | null;
  historyStep: number | null;
  match: LineMatch;
  preview: string;
}

/**
 * Secrets in the config: Env (any real value of a secret-named variable: Docker warns about
 * those too), labels (secret-named with a generated-looking value), the default command, and
 * every history step's command (build args are recorded there as `|1 NAME=value`).
 */
export function scanConfig(config: ImageConfig, history: readonly HistoryStep[]): ConfigHit[] {
  const hits: ConfigHit[] = [];
  const c = config.config ?? {};
  (c.Env ?? []).forEach((pair, i) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    const found = [...shapeMatches(pair), ...urlCredentialMatches(pair)];
    if (isSecretName(name) && value.length >= 6 && !isPlaceholder(value)) {
      found.push({ kind: 'secret-assignment', title: `${name} in the config Env`, name, value, start: eq + 1 });
    }
    for (const match of dedupe(found)) {
      hits.push({ source: 'env', path: name, line: i + 1, historyStep: envStep(history, name), match, preview: maskedPreview(pair, match.start, match.value) });
    }
  });
  for (const [key, value] of Object.entries(c.Labels ?? {})) {
    const text = `${key}=${value}`;
    const found = [...shapeMatches(text), ...urlCredentialMatches(text)];
    if (isSecretName(key) && looksRandom(value)) found.push({ kind: 'secret-assignment', title: `label ${key}`, name: key, value, start: key.length + 1 });
    for (const match of dedupe(found)) hits.push({ source: 'label', path: key, line: null, historyStep: null, match, preview: maskedPreview(text, match.start, match.value) });
  }
  const command = [...(c.Entrypoint ?? []), ...(c.Cmd ?? [])].join(' ');
  for (const match of lineMatches(command)) hits.push({ source: 'cmd', path: null, line: null, historyStep: null, match, preview: maskedPreview(command, match.start, match.value) });
  history.forEach((step, i) => {
    const text = step.createdBy ?? '';
    for (const match of lineMatches(text)) hits.push({ source: 'history', path: null, line: i + 1, historyStep: i, match, preview: maskedPreview(text, match.start, match.value) });
  });
  return hits;
}

const lineMatches = (text: string): LineMatch[] => (text ? dedupe([...shapeMatches(text), ...urlCredentialMatches(text), ...assignmentMatches(text, 'any')]) : []);

/** The ENV step that set a variable, the last one when several did. */
function envStep(history: readonly HistoryStep[], name: string): number | null {
  const re = new RegExp(`\\bENV\\b.*(?:^|\\s)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[=\\s]`);
  for (let i = history.length - 1; i >= 0; i--) if (re.test(history[i].createdBy ?? '')) return i;
  return null;
}
