import { describe, expect, it } from 'vitest';
import { argvText, describeConfigChange } from './config-diff.js';

const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

describe('describeConfigChange', () => {
  it('Env: only the variables that changed, by name, and how many stayed', () => {
    const change = describeConfigChange({ key: 'Env', before: [PATH, 'DEBUG=1', 'LANG=C'], after: [PATH, 'LANG=C.UTF-8', 'GREETING=hello=world'] });
    expect(change).toEqual({
      shape: 'items',
      key: 'Env',
      unchanged: 1,
      items: [
        { kind: 'changed', name: 'LANG', before: 'C', after: 'C.UTF-8' },
        { kind: 'added', name: 'GREETING', after: 'hello=world' },
        { kind: 'removed', name: 'DEBUG', before: '1' },
      ],
    });
  });

  it('Env set where the image had none', () => {
    expect(describeConfigChange({ key: 'Env', before: null, after: ['A=1'] })).toEqual({ shape: 'items', key: 'Env', unchanged: 0, items: [{ kind: 'added', name: 'A', after: '1' }] });
  });

  it('Labels by key', () => {
    const change = describeConfigChange({ key: 'Labels', before: { a: '1', b: '2' }, after: { a: '1', b: '3', c: '4' } });
    expect(change).toEqual({
      shape: 'items',
      key: 'Labels',
      unchanged: 1,
      items: [
        { kind: 'changed', name: 'b', before: '2', after: '3' },
        { kind: 'added', name: 'c', after: '4' },
      ],
    });
  });

  it('ExposedPorts and Volumes by item, without values', () => {
    expect(describeConfigChange({ key: 'ExposedPorts', before: { '80/tcp': {} }, after: { '80/tcp': {}, '443/tcp': {} } })).toEqual({
      shape: 'items',
      key: 'ExposedPorts',
      unchanged: 1,
      items: [{ kind: 'added', name: '443/tcp' }],
    });
    expect(describeConfigChange({ key: 'Volumes', before: { '/data': {} }, after: null })).toEqual({ shape: 'items', key: 'Volumes', unchanged: 0, items: [{ kind: 'removed', name: '/data' }] });
  });

  it('Cmd and Entrypoint as argv before and after', () => {
    expect(describeConfigChange({ key: 'Cmd', before: ['/bin/sh'], after: ['sh', '-c', 'echo hi'] })).toEqual({ shape: 'argv', key: 'Cmd', before: ['/bin/sh'], after: ['sh', '-c', 'echo hi'] });
    expect(describeConfigChange({ key: 'Entrypoint', before: null, after: ['/init'] })).toEqual({ shape: 'argv', key: 'Entrypoint', before: null, after: ['/init'] });
    expect(argvText(['sh', '-c', 'echo hi'])).toBe("sh -c 'echo hi'");
  });

  it('anything else as two values', () => {
    expect(describeConfigChange({ key: 'WorkingDir', before: null, after: '/srv' })).toEqual({ shape: 'value', key: 'WorkingDir', before: 'not set', after: '/srv' });
    expect(describeConfigChange({ key: 'Env', before: 'odd', after: ['A=1'] }).shape).toBe('value');
  });
});
