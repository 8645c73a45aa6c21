/**
 * The engine without the server: openImageArchive + mergeLayers into a fresh blob store, in a
 * process of its own (so its peak memory is its own). Prints one JSON line: { ms, entries }.
 * Usage: node --conditions=source --import tsx src/engine/main.ts <archive> <store dir>
 */
import { mergeLayers } from '@peel/engine';
import { openWithEngine } from './open.js';

const [file, storeDir] = process.argv.slice(2);
if (!file || !storeDir) throw new Error('usage: engine <archive> <store dir>');
const t0 = performance.now();
const { source } = await openWithEngine(file, storeDir);
const scanned = performance.now() - t0;
mergeLayers(source.layers);
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, scanMs: scanned, entries: source.layers.reduce((n, l) => n + l.length, 0) })}\n`);
