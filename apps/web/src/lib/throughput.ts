/** One progress report of a transfer. */
export interface TransferSample {
  loaded: number;
  /** Milliseconds, from any monotonic clock. */
  at: number;
}

export interface TransferStats {
  loaded: number;
  total: number;
  /** 0..100, one decimal. */
  percent: number;
  /** Bytes per second over the recent window, 0 until measurable. */
  speed: number;
  /** Seconds left at the current speed, Infinity when unknown. */
  eta: number;
}

/**
 * Speed over a sliding window of recent samples, so the estimate follows the current rate
 * instead of the average since the start (which lags badly after a stall).
 */
export class ThroughputMeter {
  private samples: TransferSample[] = [];

  constructor(private readonly windowMs = 3000) {}

  add(sample: TransferSample): void {
    this.samples.push(sample);
    const cutoff = sample.at - this.windowMs;
    while (this.samples.length > 2 && this.samples[1].at <= cutoff) this.samples.shift();
  }

  stats(total: number): TransferStats {
    const last = this.samples[this.samples.length - 1];
    const first = this.samples[0];
    const loaded = last?.loaded ?? 0;
    const elapsed = last && first ? (last.at - first.at) / 1000 : 0;
    const speed = elapsed > 0 ? (last.loaded - first.loaded) / elapsed : 0;
    const remaining = Math.max(0, total - loaded);
    const eta = remaining === 0 ? 0 : speed > 0 ? remaining / speed : Number.POSITIVE_INFINITY;
    const percent = total > 0 ? Math.min(100, Math.floor((loaded / total) * 1000) / 10) : 0;
    return { loaded, total, percent, speed, eta };
  }
}
