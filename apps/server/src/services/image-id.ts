import { createHash } from 'node:crypto';

/**
 * An image's id, derived from content: the same archive (and the same image in it) always gives
 * the same id, so a second upload finds the first. 16 hex digits of
 * sha256(archive digest, manifest digest or config digest).
 */
export function imageId(archiveDigest: string, manifestDigest: string | null, configDigest: string): string {
  return createHash('sha256').update(`${archiveDigest}\n${manifestDigest ?? ''}\n${configDigest}`).digest('hex').slice(0, 16);
}
