import { useRef } from 'react';
import { useQueries } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { HEX_ROW_BYTES, hexRow } from '../../lib/hexdump.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { type ContentLayer, contentPageQueryOptions } from './api/get-content.js';

/** Bytes fetched per request while scrolling a hex dump. */
const CHUNK = 64 * 1024;
const ROWS_PER_CHUNK = CHUNK / HEX_ROW_BYTES;
const ROW_HEIGHT = 20;
const HEADER_HEIGHT = 24;

interface Props {
  imageId: string;
  path: string;
  layer?: ContentLayer;
  /** First byte of the window shown (windows keep the scroll height within browser limits). */
  windowStart: number;
  windowLength: number;
}

/**
 * `hexdump -C` style view. Rows are virtualised and only the 64 KiB chunks in view are fetched
 * (Range requests), so a file of any size scrolls without loading it whole.
 */
export function HexView({ imageId, path, layer, windowStart, windowLength }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const rowCount = Math.ceil(windowLength / HEX_ROW_BYTES);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 30,
    // The sticky column header sits above the rows inside the scroller.
    scrollMargin: HEADER_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const firstChunk = items.length ? Math.floor(items[0].index / ROWS_PER_CHUNK) : 0;
  const lastChunk = items.length ? Math.floor(items[items.length - 1].index / ROWS_PER_CHUNK) : 0;
  const chunkIndexes = Array.from({ length: lastChunk - firstChunk + 1 }, (_, i) => firstChunk + i);
  const chunks = useQueries({
    queries: chunkIndexes.map((index) => {
      const start = windowStart + index * CHUNK;
      return contentPageQueryOptions(imageId, path, layer, start, Math.min(CHUNK, windowStart + windowLength - start));
    }),
  });
  const failed = chunks.find((c) => c.isError);
  return (
    <div className="hex-view">
      {failed ? <ErrorNote compact error={failed.error} title="Could not read bytes" /> : null}
      <div ref={scroller} className="hex-scroll" tabIndex={0} aria-label="Hex dump">
        <div className="hex-header" aria-hidden="true">
          <span className="hex-offset">Offset</span>
          <span className="hex-bytes">00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f</span>
          <span className="hex-ascii">ASCII</span>
        </div>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const chunk = chunks[Math.floor(item.index / ROWS_PER_CHUNK) - firstChunk]?.data;
            const rowStart = (item.index % ROWS_PER_CHUNK) * HEX_ROW_BYTES;
            const style = { transform: `translateY(${item.start - HEADER_HEIGHT}px)`, height: ROW_HEIGHT };
            if (!chunk) {
              return (
                <div key={item.key} className="hex-row pending" style={style}>
                  <span className="hex-offset">{(windowStart + item.index * HEX_ROW_BYTES).toString(16).padStart(8, '0')}</span>
                </div>
              );
            }
            const row = hexRow(chunk.bytes, rowStart, chunk.start);
            return (
              <div key={item.key} className="hex-row" style={style}>
                <span className="hex-offset">{row.offset}</span>
                <span className="hex-bytes">
                  {row.hex.slice(0, 8).map((h) => h || '  ').join(' ')}
                  {'  '}
                  {row.hex.slice(8).map((h) => h || '  ').join(' ')}
                </span>
                <span className="hex-ascii">{row.ascii}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
