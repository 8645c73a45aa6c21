import type { FastifyInstance } from 'fastify';
import { encodePathParam, type FsEntry } from '@peel/api';
import { getJson } from './helper.js';

/**
 * A whole filesystem as the API lists it (a stored image, or with `&draft=1` an image's draft),
 * one line per entry without times: path, type, mode, owner, size, link target, content digest.
 */
export async function walkFs(app: FastifyInstance, id: string, query = ''): Promise<string[]> {
  const out: string[] = [];
  const dirs = ['/'];
  while (dirs.length) {
    const dir = dirs.pop()!;
    for (const e of await getJson<FsEntry[]>(app, `/api/images/${id}/fs?path=${encodePathParam(dir)}${query}`)) {
      out.push([e.path, e.type, e.mode.toString(8), `${e.uid}/${e.gid}`, e.size, e.linkTarget ?? '', e.digest ?? ''].join('\t'));
      if (e.type === 'dir') dirs.push(e.path);
    }
  }
  return out.sort();
}

/**
 * walkFs lines with hard links written as the plain files they share bytes with: exports may
 * write either (flatten links files of one content; a draft shows a moved link as a file).
 */
export function linksAsFiles(lines: string[]): string[] {
  return lines.map((line) => {
    const [p, type, mode, owner, size, link, digest] = line.split('\t');
    const isFile = type === 'hardlink' || type === 'file';
    return [p, isFile ? 'file' : type, mode, owner, isFile ? '' : size, isFile ? '' : link, digest].join('\t');
  });
}
