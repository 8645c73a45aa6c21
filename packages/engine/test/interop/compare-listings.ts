/**
 * Compares the engine's merged view with an oracle listing and returns every discrepancy as a
 * sentence (path, expected per the oracle, got per the engine). An empty array means equal.
 */
import { describeRecord, type FsListing, type FsRecord } from './fs-listing.js';

export interface CompareOptions {
  /** Name of the oracle in messages, e.g. "docker export". */
  oracle: string;
  /** Name of the side under test in messages (default "the engine"). */
  actual?: string;
  /** Paths whose attributes the oracle cannot know (see docker-view.ts): only the type is compared. */
  typeOnly?: ReadonlySet<string>;
}

const FIELDS = ['type', 'mode', 'uid', 'gid', 'size', 'digest', 'link', 'device'] as const;

export function compareListings(expected: FsListing, actual: FsListing, options: CompareOptions): string[] {
  const problems: string[] = [];
  const side = options.actual ?? 'the engine';
  const paths = [...new Set([...expected.keys(), ...actual.keys()])].sort(byBytes);
  for (const path of paths) {
    const want = expected.get(path);
    const got = actual.get(path);
    if (!got) problems.push(`${path}: missing from ${side}; ${options.oracle} has ${describeRecord(want!)}`);
    else if (!want) problems.push(`${path}: not in ${options.oracle}; ${side} has ${describeRecord(got)}`);
    else {
      const fields = options.typeOnly?.has(path) ? (['type'] as const) : FIELDS;
      for (const field of fields) {
        if (want[field] !== got[field]) {
          problems.push(`${path}: ${field} expected ${show(field, want)} per ${options.oracle}, got ${show(field, got)} per ${side}`);
        }
      }
    }
  }
  return problems;
}

function show(field: (typeof FIELDS)[number], r: FsRecord): string {
  const v = r[field];
  return field === 'mode' ? r.mode.toString(8).padStart(4, '0') : JSON.stringify(v);
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
