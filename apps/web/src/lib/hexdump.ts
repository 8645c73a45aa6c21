/** Bytes per hex dump row. */
export const HEX_ROW_BYTES = 16;

export interface HexRow {
  /** Offset of the row's first byte, as 8 hex digits. */
  offset: string;
  /** 16 cells: two hex digits each, "" past the end of the data. */
  hex: string[];
  /** Printable ASCII, "." for everything else. */
  ascii: string;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** One row of `hexdump -C`, for the bytes of `data` starting at `start` (file offset `base + start`). */
export function hexRow(data: Uint8Array, start: number, base = 0): HexRow {
  const hex: string[] = [];
  let ascii = '';
  for (let i = 0; i < HEX_ROW_BYTES; i += 1) {
    const index = start + i;
    if (index >= data.length) {
      hex.push('');
      continue;
    }
    const byte = data[index];
    hex.push(HEX[byte]);
    ascii += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
  }
  return { offset: (base + start).toString(16).padStart(8, '0'), hex, ascii };
}

/** Whole dump as text (for copying and tests): "00000000  41 42 …  |AB…|". */
export function hexDumpText(data: Uint8Array, base = 0): string {
  const lines: string[] = [];
  for (let start = 0; start < data.length; start += HEX_ROW_BYTES) {
    const row = hexRow(data, start, base);
    const cells = row.hex.map((h) => h || '  ');
    lines.push(`${row.offset}  ${cells.slice(0, 8).join(' ')}  ${cells.slice(8).join(' ')}  |${row.ascii}|`);
  }
  return lines.join('\n');
}
