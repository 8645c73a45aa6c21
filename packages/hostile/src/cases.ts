/** The shape of one hostile archive and of what Peel must do with it. */
export interface HostileCase {
  name: string;
  /** The words for the case. */
  about: string;
  bytes: () => Buffer;
  /**
   * `ingest`: accepted, and these problem codes are among the image's problems (a warning where
   * Docker would refuse or disagree). `refuse`: refused with one of these engine error codes.
   */
  expect: { ingest: string[] } | { refuse: string[] };
  /** Paths (without the leading slash) that must, or must not, be in the merged filesystem. */
  merged?: { has?: string[]; lacks?: string[] };
  /** Files whose bytes, read back from the stored image, must be exactly these. */
  content?: Array<{ path: string; bytes: () => Buffer }>;
}

export const ingests = (c: HostileCase): c is HostileCase & { expect: { ingest: string[] } } => 'ingest' in c.expect;
export const refusals = (c: HostileCase): string[] => ('refuse' in c.expect ? c.expect.refuse : []);
