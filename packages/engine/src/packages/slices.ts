/**
 * Long synchronous work cut into slices: once the work has held the event loop for a slice, it
 * gives the loop a turn before going on, so a server computing an inventory still answers its
 * other requests. Awaiting a read is not enough: a store that answers at once (SQLite, a read
 * cache) resolves it as a microtask, and microtasks run before any I/O.
 *
 *   if (sliceDue()) await nextSlice();
 *
 * One clock for every computation in the process: work that awaited real I/O meanwhile only gives
 * one turn more than it needed.
 */

/** Longest slice: well under what a request may wait unnoticed. */
const SLICE_MS = 15;

let sliceStart = performance.now();

/** True when the work running has held the event loop for a slice: then `await nextSlice()`. */
export function sliceDue(): boolean {
  return performance.now() - sliceStart >= SLICE_MS;
}

/** A turn of the event loop (timers, I/O, other requests), then a new slice. */
export async function nextSlice(signal?: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  sliceStart = performance.now();
  signal?.throwIfAborted();
}
