import { describe, expect, it } from 'vitest';
import { configPatch, formFromConfig, normalizePort, readForm } from './config-form.js';

const alpine = {
  Env: ['PATH=/usr/local/sbin:/usr/bin', 'EMPTY='],
  Cmd: ['/bin/sh'],
  WorkingDir: '/',
  Labels: { 'org.opencontainers.image.title': 'tiny' },
  ExposedPorts: { '80/tcp': {} },
};

describe('config form', () => {
  it('reads a config into text fields and lists', () => {
    const form = formFromConfig(alpine);
    expect(form.cmd).toBe('/bin/sh');
    expect(form.entrypoint).toBe('');
    expect(form.env).toEqual([{ key: 'PATH', value: '/usr/local/sbin:/usr/bin' }, { key: 'EMPTY', value: '' }]);
    expect(form.labels).toEqual([{ key: 'org.opencontainers.image.title', value: 'tiny' }]);
    expect(form.exposedPorts).toEqual(['80/tcp']);
  });

  it('leaves keys alone that are set to nothing (Docker writes "User": "")', () => {
    const docker = { User: '', WorkingDir: '', Entrypoint: null, Volumes: null, OnBuild: null, Env: [], Cmd: ['/bin/sh'] };
    expect(configPatch(docker, readForm(formFromConfig(docker)).values)).toEqual({});
  });

  it('sends only what changed, null for what was cleared', () => {
    const form = formFromConfig(alpine);
    expect(configPatch(alpine, readForm(form).values)).toEqual({});
    form.cmd = `sh -c 'cat /etc/os-release'`;
    form.env = [...form.env, { key: 'MODE', value: 'prod' }];
    form.labels = [];
    form.exposedPorts = ['80', '53/udp'];
    form.volumes = ['/data'];
    const { values, errors } = readForm(form);
    expect(errors).toEqual({});
    expect(configPatch(alpine, values)).toEqual({
      Cmd: ['sh', '-c', 'cat /etc/os-release'],
      Env: ['PATH=/usr/local/sbin:/usr/bin', 'EMPTY=', 'MODE=prod'],
      Labels: null,
      ExposedPorts: { '80/tcp': {}, '53/udp': {} },
      Volumes: { '/data': {} },
    });
  });

  it('says what is wrong, per field', () => {
    const form = formFromConfig({});
    form.cmd = `echo 'open`;
    form.workingDir = 'app';
    form.env = [{ key: 'A=B', value: '1' }];
    form.labels = [{ key: 'x', value: '1' }, { key: 'x', value: '2' }];
    form.exposedPorts = ['http'];
    form.volumes = ['data'];
    expect(Object.keys(readForm(form).errors).sort()).toEqual(['cmd', 'env', 'exposedPorts', 'labels', 'volumes', 'workingDir']);
  });

  it('normalises ports', () => {
    expect(normalizePort('8080')).toBe('8080/tcp');
    expect(normalizePort('53/UDP')).toBe('53/udp');
    expect(normalizePort('70000')).toBeNull();
    expect(normalizePort('0')).toBeNull();
  });
});
