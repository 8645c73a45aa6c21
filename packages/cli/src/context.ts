/**
 * What a command gets besides its flags: the process streams, a progress bar, warnings, the blob
 * store of this invocation and a way to open the image archive it names.
 */
import type { Readable, Writable } from 'node:stream';
import type { BlobStore } from '@peel/engine';
import { openImage, type OpenedImage } from './image-source.js';
import type { Progress } from './progress.js';
import { printable } from './format.js';
import { UsageError } from './exit-codes.js';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  cwd: string;
  /** stderr is a terminal (the progress bar may draw). */
  stderrIsTTY: boolean;
}

export interface CommandContext {
  io: CliIo;
  progress: Progress;
  signal: AbortSignal;
  /** Whether the user asked for --quiet. */
  quiet: boolean;
  /** Writes text to stdout (a newline is added). */
  print(text: string): Promise<void>;
  /** `peel: warning: …` on stderr, unless --quiet. */
  warn(message: string): void;
  /** The blob store of this invocation (temporary unless --store). */
  store(): Promise<BlobStore>;
  /** Reads an image archive (a path, or `-` for stdin) into the store. */
  openImage(source: string): Promise<OpenedImage>;
}

export interface ContextOptions {
  io: CliIo;
  progress: Progress;
  signal: AbortSignal;
  quiet: boolean;
  platform?: string;
  store: () => Promise<BlobStore>;
}

export function createContext(o: ContextOptions): CommandContext {
  let stdinUsed = false;
  const ctx: CommandContext = {
    io: o.io,
    progress: o.progress,
    signal: o.signal,
    quiet: o.quiet,
    print: (text) => writeAll(o.io.stdout, `${text}\n`),
    warn: (message) => {
      if (o.quiet) return;
      o.progress.finish();
      o.io.stderr.write(`peel: warning: ${printable(message)}\n`);
    },
    store: o.store,
    openImage: async (source) => {
      if (source === '-') {
        if (stdinUsed) throw new UsageError('`-` (stdin) can stand for one archive only');
        stdinUsed = true;
      }
      return openImage(source, { store: await o.store(), env: o.io.env, stdin: o.io.stdin, cwd: o.io.cwd, platform: o.platform, progress: o.progress, signal: o.signal });
    },
  };
  return ctx;
}

/** Writes with backpressure (a pipe to `head` or `less` must not buffer the whole output). */
export function writeAll(stream: Writable, chunk: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    stream.once('error', onError);
    const ok = stream.write(chunk, (e) => {
      if (e) return reject(e);
    });
    const done = () => {
      stream.off('error', onError);
      resolve();
    };
    if (ok) done();
    else stream.once('drain', done);
  });
}
