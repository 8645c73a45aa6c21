import { describe, expect, it } from 'vitest';
import type { HistoryStep, LayerInfo } from '@peel/api';
import { historyRows } from './history-rows.js';

const layer = (index: number): LayerInfo => ({
  index, digest: `sha256:${index}`, diffId: `sha256:d${index}`, mediaType: 'x', size: 10, uncompressedSize: 20, entryCount: 1, contentSize: 5, history: null,
});
const step = (createdBy: string, layerIndex: number | null): HistoryStep => ({
  created: null, createdBy, comment: null, emptyLayer: layerIndex === null, layer: layerIndex,
});

describe('historyRows', () => {
  it('joins steps with the layers they made, keeping 0 B steps', () => {
    const rows = historyRows([step('ADD', 0), step('CMD', null), step('RUN', 1)], [layer(0), layer(1)]);
    expect(rows.map((r) => [r.step, r.createdBy, r.layer?.index ?? null])).toEqual([
      [0, 'ADD', 0],
      [1, 'CMD', null],
      [2, 'RUN', 1],
    ]);
  });
  it('keeps layers no step claims, in layer order', () => {
    const rows = historyRows([step('CMD', null), step('RUN', 2)], [layer(0), layer(1), layer(2), layer(3)]);
    expect(rows.map((r) => [r.step, r.layer?.index ?? null])).toEqual([
      [0, null],
      [null, 0],
      [null, 1],
      [1, 2],
      [null, 3],
    ]);
  });
  it('works without any history', () => {
    expect(historyRows([], [layer(0)]).map((r) => r.layer?.index)).toEqual([0]);
  });
});
