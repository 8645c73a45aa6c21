/**
 * The progress bar: one line on stderr, redrawn at most 10 times a second, showing bytes, the
 * current layer and the rate. It only draws on a terminal and stays silent in CI and pipes
 * (stderr not a TTY, or CI set) unless forced with --progress; --quiet turns it off.
 */
import type { Writable } from 'node:stream';
import { humanSize } from './format.js';

const REDRAW_MS = 100;
const BAR = 24;

export interface ProgressPhase {
  /** e.g. "reading image.tar", "unpacking". */
  label: string;
  /** Total bytes when known (a file's size; unknown for stdin). */
  total?: number;
}

export class Progress {
  private phase: ProgressPhase | null = null;
  private bytes = 0;
  private started = 0;
  private lastDraw = 0;
  private detail = '';
  private drawn = false;

  constructor(private readonly out: Writable | null, private readonly now: () => number = Date.now) {}

  get enabled(): boolean {
    return this.out !== null;
  }

  start(phase: ProgressPhase): void {
    this.finish();
    this.phase = phase;
    this.bytes = 0;
    this.detail = '';
    this.started = this.now();
    this.draw(true);
  }

  /** Bytes done so far in this phase (absolute). */
  set(bytes: number): void {
    this.bytes = bytes;
    this.draw(false);
  }

  add(bytes: number): void {
    this.set(this.bytes + bytes);
  }

  /** What is being worked on, e.g. "layer 3/13". */
  step(detail: string): void {
    this.detail = detail;
    this.draw(true);
  }

  /** Clears the line (call before printing anything else to stderr). */
  finish(): void {
    if (this.out && this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
    this.phase = null;
  }

  private draw(force: boolean): void {
    if (!this.out || !this.phase) return;
    const t = this.now();
    if (!force && t - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = t;
    this.out.write(`\r\x1b[K${this.line(t)}`);
    this.drawn = true;
  }

  /** The text of the bar line; public for tests. */
  line(t = this.now()): string {
    const p = this.phase!;
    const seconds = Math.max((t - this.started) / 1000, 0.001);
    const rate = `${humanSize(Math.round(this.bytes / seconds))}/s`;
    const parts = [p.label];
    if (this.detail) parts.push(this.detail);
    if (!p.total && this.bytes === 0) {
      // A step the engine reports no bytes for (building a layer): show that time passes.
      parts.push(`${Math.floor(seconds)}s`);
      return parts.join('  ');
    }
    if (p.total) {
      const frac = Math.min(this.bytes / p.total, 1);
      const filled = Math.round(frac * BAR);
      parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${String(Math.floor(frac * 100)).padStart(3)}%`);
      parts.push(`${humanSize(this.bytes)} / ${humanSize(p.total)}`);
    } else {
      parts.push(humanSize(this.bytes));
    }
    parts.push(rate);
    return parts.join('  ');
  }
}

/** Draws only on a terminal outside CI, unless forced or silenced. */
export function shouldDraw(opts: { isTTY: boolean; env: Record<string, string | undefined>; quiet: boolean; force: boolean }): boolean {
  if (opts.quiet) return false;
  if (opts.force) return true;
  const ci = opts.env.CI !== undefined && opts.env.CI !== '' && opts.env.CI !== 'false';
  return opts.isTTY && !ci && opts.env.TERM !== 'dumb';
}
