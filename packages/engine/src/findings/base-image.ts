import type { HistoryStep } from '../types.js';
import type { BaseImageGuess } from './types.js';

/** `CMD …` / `ENTRYPOINT …` as the classic builder (`/bin/sh -c #(nop)  CMD …`), BuildKit and buildah record them. */
const RUN_DEFAULTS = /^(?:\/bin\/sh -c #\(nop\)\s+)?(?:CMD|ENTRYPOINT)\b/;

/**
 * Which layers came from the base image. An image's history is its base's history followed by
 * its own steps, and the history says nothing about where one ends, so this is a heuristic:
 * 1. buildah/podman write `comment: "FROM <base>"` on every step they add: the base ends
 *    before the first such step;
 * 2. otherwise the base ends at its first `CMD`/`ENTRYPOINT` step (a base image sets how to
 *    run it last), when layers follow it;
 * 3. otherwise every layer is counted as the image's own.
 * An image built on an image built on a base is split at the first base only.
 */
export function guessBaseImage(history: readonly HistoryStep[]): BaseImageGuess {
  const firstOwn = history.findIndex((h) => /^FROM\s/.test(h.comment ?? ''));
  if (firstOwn > 0) {
    return guess(history, firstOwn - 1, 'from-comment',
      `buildah/podman mark the steps an image adds with "FROM <base>" comments, and the ${firstOwn} step(s) before the first of them are the base image's`);
  }
  const cmd = history.findIndex((h) => RUN_DEFAULTS.test((h.createdBy ?? '').trim()));
  if (cmd >= 0 && history.slice(cmd + 1).some((h) => h.layer !== null)) {
    return guess(history, cmd, 'first-cmd',
      `the history up to its first CMD/ENTRYPOINT step (step ${cmd + 1}) is taken as the base image's, since a base image ends by saying how to run it and this image adds layers after it`);
  }
  return { baseLayers: 0, lastBaseStep: null, rule: 'none', explanation: 'the history has no "FROM" comments and no CMD/ENTRYPOINT step followed by layers, so every layer counts as this image\'s own' };
}

function guess(history: readonly HistoryStep[], last: number, rule: BaseImageGuess['rule'], explanation: string): BaseImageGuess {
  const layers = history.slice(0, last + 1).map((h) => h.layer).filter((l): l is number => l !== null);
  return { baseLayers: layers.length ? Math.max(...layers) + 1 : 0, lastBaseStep: last, rule, explanation };
}
