/** Where each entry of a plain (ustar/pax) tar starts: enough to corrupt one on purpose. */
export function tarEntries(buf: Buffer): Array<{ name: string; dataOffset: number; size: number }> {
  const out: Array<{ name: string; dataOffset: number; size: number }> = [];
  let pax: string | null = null;
  for (let off = 0; off + 512 <= buf.length;) {
    const header = buf.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number) => header.subarray(start, start + len).toString('latin1').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const name = pax ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const dataOffset = off + 512;
    if (type === 'x') {
      pax = /\d+ path=([^\n]*)\n/.exec(buf.subarray(dataOffset, dataOffset + size).toString('utf8'))?.[1] ?? null;
    } else {
      out.push({ name, dataOffset, size });
      pax = null;
    }
    off = dataOffset + Math.ceil(size / 512) * 512;
  }
  return out;
}
