import { describe, expect, it } from 'vitest';
import type { DraftOpItem, DraftState } from '@peel/api';
import { configValueText, describeOp, pendingCount } from './describe-op.js';

const op = (extra: Partial<DraftOpItem>): DraftOpItem => ({ index: 0, op: 'write', path: '/etc/os-release', kind: 'modified', type: 'file', sizeDelta: 0, createdAt: '2025-01-01T00:00:00Z', ...extra });

describe('describeOp', () => {
  it('says what each kind of change does', () => {
    expect(describeOp(op({ op: 'write', size: 97 }))).toBe('new contents, 97 B');
    expect(describeOp(op({ op: 'write', kind: 'added', size: 0 }))).toBe('new file, 0 B');
    expect(describeOp(op({ op: 'delete', kind: 'deleted', type: 'dir' }))).toBe('folder deleted with everything in it');
    expect(describeOp(op({ op: 'delete', kind: 'deleted', purgeOnly: true }))).toMatch(/every layer on rewrite/);
    expect(describeOp(op({ op: 'chmod', mode: 0o755 }))).toBe('permissions -rwxr-xr-x (0755)');
    expect(describeOp(op({ op: 'chown', uid: 1000, gid: 100 }))).toBe('owner 1000:100');
    expect(describeOp(op({ op: 'symlink', kind: 'added', type: 'symlink', target: '../lib' }))).toBe('symlink → ../lib');
    expect(describeOp(op({ op: 'rename', kind: 'moved', from: '/a' }))).toBe('moved from /a');
    expect(describeOp(op({ op: 'mkdir', kind: 'added', type: 'dir', mode: 0o755 }))).toBe('new folder, drwxr-xr-x');
  });
});

describe('pendingCount and configValueText', () => {
  it('counts file changes, config keys and a new name', () => {
    const draft = { ops: [op({}), op({ index: 1 })], configChanges: [{ key: 'Cmd', before: ['/bin/sh'], after: ['cat'] }], tag: 'alpyne:latest' } as unknown as DraftState;
    expect(pendingCount(draft)).toBe(4);
  });
  it('shows values compactly', () => {
    expect(configValueText(null)).toBe('not set');
    expect(configValueText('/app')).toBe('/app');
    expect(configValueText(['cat', '/etc/os-release'])).toBe('["cat","/etc/os-release"]');
  });
});
