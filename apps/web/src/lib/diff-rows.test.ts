import { describe, expect, it } from 'vitest';
import { splitRows, summarize, unifiedRows } from './diff-rows.js';

const passwdOld = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n';
const passwdNew = `${passwdOld}redis:x:999:999::/home/redis:/bin/sh\n`;

describe('unifiedRows', () => {
  it('shows an appended line with its numbers', () => {
    const rows = unifiedRows(passwdOld, passwdNew);
    expect(rows).toEqual([
      { kind: 'context', oldNo: 1, newNo: 1, text: 'root:x:0:0:root:/root:/bin/sh' },
      { kind: 'context', oldNo: 2, newNo: 2, text: 'nobody:x:65534:65534:nobody:/:/bin/false' },
      { kind: 'add', oldNo: null, newNo: 3, text: 'redis:x:999:999::/home/redis:/bin/sh' },
    ]);
    expect(summarize(rows)).toEqual({ added: 1, removed: 0 });
  });
  it('folds unchanged lines far from changes into gaps', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const after = before.replace('line 10\n', 'line ten\n');
    const rows = unifiedRows(before, after, 2);
    expect(rows[0]).toEqual({ kind: 'gap', count: 7 });
    expect(rows.filter((r) => r.kind === 'del')).toEqual([{ kind: 'del', oldNo: 10, newNo: null, text: 'line 10' }]);
    expect(rows.filter((r) => r.kind === 'add')).toEqual([{ kind: 'add', oldNo: null, newNo: 10, text: 'line ten' }]);
    expect(rows[rows.length - 1]).toEqual({ kind: 'gap', count: 8 });
  });
  it('handles empty sides', () => {
    expect(unifiedRows('', 'a\nb\n').map((r) => r.kind)).toEqual(['add', 'add']);
    expect(unifiedRows('a\n', '')).toEqual([{ kind: 'del', oldNo: 1, newNo: null, text: 'a' }]);
  });
});

describe('splitRows', () => {
  it('pairs a replaced line with its replacement', () => {
    const rows = splitRows('a\nb\nc\n', 'a\nB\nc\n');
    expect(rows[1]).toEqual({ kind: 'pair', left: { no: 2, text: 'b', kind: 'del' }, right: { no: 2, text: 'B', kind: 'add' } });
    expect(rows).toHaveLength(3);
  });
  it('leaves the other side empty for pure additions', () => {
    const rows = splitRows(passwdOld, passwdNew);
    expect(rows[2]).toEqual({ kind: 'pair', left: null, right: { no: 3, text: 'redis:x:999:999::/home/redis:/bin/sh', kind: 'add' } });
  });
});
