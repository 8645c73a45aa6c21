import { isDeepStrictEqual } from 'node:util';
import type { DraftConfigChange } from '@peel/api';
import { badRequest } from '../errors.js';

type Check = (v: unknown) => boolean;

const isString: Check = (v) => typeof v === 'string';
const isStringList: Check = (v) => Array.isArray(v) && v.every(isString);
const isEmptyObjectMap = (keyOk: (k: string) => boolean): Check => (v) =>
  isPlainObject(v) && Object.entries(v).every(([k, x]) => keyOk(k) && isPlainObject(x) && Object.keys(x).length === 0);

/** The keys Docker reads, with the shape it accepts; other keys pass through as any JSON. */
const KNOWN: Record<string, { check: Check; shape: string }> = {
  Cmd: { check: isStringList, shape: 'a list of strings' },
  Entrypoint: { check: isStringList, shape: 'a list of strings' },
  Env: { check: (v) => isStringList(v) && (v as string[]).every((e) => /^[^=]+=/.test(e)), shape: 'a list of "NAME=value" strings' },
  WorkingDir: { check: isString, shape: 'a string' },
  User: { check: isString, shape: 'a string' },
  StopSignal: { check: isString, shape: 'a string' },
  ExposedPorts: { check: isEmptyObjectMap((k) => /^\d{1,5}(\/(tcp|udp|sctp))?$/.test(k)), shape: 'an object like {"6379/tcp": {}}' },
  Volumes: { check: isEmptyObjectMap((k) => k.startsWith('/')), shape: 'an object like {"/data": {}}' },
  Labels: { check: (v) => isPlainObject(v) && Object.values(v).every(isString), shape: 'an object of strings' },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks a PATCH body: an object of config keys; `null` removes a key. */
export function checkConfigPatch(body: unknown): Record<string, unknown> {
  if (!isPlainObject(body)) throw badRequest('BAD_CONFIG', 'send a JSON object of config keys, e.g. {"Cmd": ["cat", "/etc/os-release"]}');
  for (const [key, value] of Object.entries(body)) {
    if (key === '' || key.length > 256) throw badRequest('BAD_CONFIG', `config key ${JSON.stringify(key.slice(0, 40))} is empty or too long`);
    const known = KNOWN[key];
    if (value !== null && known && !known.check(value)) throw badRequest('BAD_CONFIG', `${key} must be ${known.shape} or null`);
  }
  return body;
}

/**
 * The stored patch after merging `patch` over `current`, kept minimal against the image's own
 * `config`: a key set to the image's value, or removed when the image lacks it, is no change.
 */
export function mergeConfigPatch(image: Record<string, unknown>, current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...current, ...patch };
  for (const [key, value] of Object.entries(out)) {
    const has = Object.hasOwn(image, key);
    if ((value === null && !has) || (has && isDeepStrictEqual(image[key], value))) delete out[key];
  }
  return out;
}

/** The image's `config` with the patch applied. */
export function applyConfigPatch(image: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...image };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

export function configChanges(image: Record<string, unknown>, patch: Record<string, unknown>): DraftConfigChange[] {
  return Object.keys(patch).sort().map((key) => ({ key, before: image[key] ?? null, after: patch[key] }));
}

/** The `config` object of a stored image config (raw bytes). */
export function imageContainerConfig(raw: Buffer): Record<string, unknown> {
  const parsed = JSON.parse(raw.toString('utf8')) as { config?: unknown };
  return isPlainObject(parsed.config) ? parsed.config : {};
}
