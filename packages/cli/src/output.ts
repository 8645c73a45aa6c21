/**
 * Writes an exported archive to OUT.tar (through a temp file renamed at the end, so a failed or
 * interrupted run leaves no half archive under the final name) or to stdout with `-o -`.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { Writable } from 'node:stream';
import type { ExportResult } from '@peel/engine';
import type { CommandContext } from './context.js';
import { writeAll } from './context.js';
import { OutputError, UsageError } from './exit-codes.js';
import { resolveFrom } from './image-source.js';
import { humanSize } from './format.js';

export async function writeOutput(result: ExportResult, out: string, ctx: CommandContext): Promise<void> {
  ctx.progress.start({ label: `writing ${out === '-' ? 'stdout' : out}`, total: result.size });
  if (out === '-') {
    if ((ctx.io.stdout as Writable & { isTTY?: boolean }).isTTY) throw new UsageError('refusing to write an image archive to a terminal: use -o FILE or a pipe');
    await result.write({ write: async (chunk) => { await writeAll(ctx.io.stdout, chunk); ctx.progress.add(chunk.length); } });
    ctx.progress.finish();
    return;
  }
  const target = resolveFrom(ctx.io.cwd, out);
  const tmp = join(dirname(target), `.${basename(target)}.peel-${process.pid}-${Date.now()}.tmp`);
  const file = createWriteStream(tmp, { flags: 'wx' });
  const opened = new Promise<void>((resolve, reject) => {
    file.once('open', () => resolve());
    file.once('error', reject);
  });
  try {
    await opened;
    await result.write({ write: async (chunk) => { ctx.signal.throwIfAborted(); await writeAll(file, chunk); ctx.progress.add(chunk.length); } });
    await new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve())));
    await rename(tmp, target);
  } catch (e) {
    file.destroy();
    await rm(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    if (err.syscall) throw new OutputError(`cannot write ${out}: ${err.message}`, { cause: e });
    throw e;
  } finally {
    ctx.progress.finish();
  }
}

/** The summary on stderr; the image ID alone on stdout (unless the archive itself went there). */
export async function reportExport(result: ExportResult, out: string, ctx: CommandContext, what: string): Promise<void> {
  if (!ctx.quiet) {
    const added = result.layers.filter((l) => !l.reused);
    ctx.io.stderr.write(`wrote ${out === '-' ? 'stdout' : out} (${humanSize(result.size)}, ${result.mode}): ${result.tags.join(', ') || 'untagged'}, `
      + `${result.layers.length} layer${result.layers.length === 1 ? '' : 's'} (${added.length} new), ${what}\n`);
  }
  if (out !== '-') await ctx.print(result.configDigest);
}
