/** The whole small hostile corpus: every case is a few KB to a few MB, built in memory. */
import { archiveCases } from './corpus-archive.js';
import { entryCases } from './corpus-entries.js';
import type { HostileCase } from './cases.js';

export const corpus: HostileCase[] = [...entryCases, ...archiveCases];
export { ingests, refusals, type HostileCase } from './cases.js';
export { ESCAPE_MARKER } from './corpus-entries.js';
