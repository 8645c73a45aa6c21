import { describe, expect, it } from 'vitest';
import { ThroughputMeter } from './throughput.js';

describe('ThroughputMeter', () => {
  it('reports zero speed and unknown ETA before two samples', () => {
    const meter = new ThroughputMeter();
    meter.add({ loaded: 100, at: 0 });
    const s = meter.stats(1000);
    expect(s.speed).toBe(0);
    expect(s.eta).toBe(Number.POSITIVE_INFINITY);
    expect(s.percent).toBe(10);
  });
  it('measures speed and time left', () => {
    const meter = new ThroughputMeter();
    meter.add({ loaded: 0, at: 0 });
    meter.add({ loaded: 1000, at: 1000 });
    meter.add({ loaded: 2000, at: 2000 });
    const s = meter.stats(10_000);
    expect(s.speed).toBe(1000);
    expect(s.eta).toBe(8);
    expect(s.percent).toBe(20);
  });
  it('follows the recent rate, not the average since the start', () => {
    const meter = new ThroughputMeter(2000);
    meter.add({ loaded: 0, at: 0 });
    meter.add({ loaded: 100, at: 10_000 });
    meter.add({ loaded: 5100, at: 11_000 });
    meter.add({ loaded: 10_100, at: 12_000 });
    expect(meter.stats(100_000).speed).toBe(5000);
  });
  it('says done when everything is sent', () => {
    const meter = new ThroughputMeter();
    meter.add({ loaded: 0, at: 0 });
    meter.add({ loaded: 500, at: 100 });
    const s = meter.stats(500);
    expect(s.eta).toBe(0);
    expect(s.percent).toBe(100);
  });
});
