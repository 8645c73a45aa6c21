/** The small pure parts of the Docker client: DOCKER_HOST, versions, the run policy, engine streams. */
import { describe, expect, it } from 'vitest';
import { compareVersions } from '../../src/docker/client.js';
import { dockerEndpoint } from '../../src/docker/endpoint.js';
import { refPath } from '../../src/docker/images.js';
import { parseLoadReply } from '../../src/docker/load.js';
import { containerSpec, DEFAULT_RUN_LIMITS } from '../../src/docker/run-limits.js';
import { Demuxer, OutputBuffer, type StreamName } from '../../src/docker/run-output.js';
import { runPolicy } from '../../src/docker/run-policy.js';

const frame = (kind: number, text: string | Buffer): Buffer => {
  const payload = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = kind;
  head.writeUInt32BE(payload.length, 4);
  return Buffer.concat([head, payload]);
};

describe('Docker client parts', () => {
  it('reads DOCKER_HOST like the docker CLI', () => {
    expect(dockerEndpoint(undefined)).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock', label: 'unix:///var/run/docker.sock' });
    expect(dockerEndpoint(' ')).toMatchObject({ socketPath: '/var/run/docker.sock' });
    expect(dockerEndpoint('unix:///tmp/d.sock')).toMatchObject({ kind: 'unix', socketPath: '/tmp/d.sock' });
    expect(dockerEndpoint('tcp://10.0.0.2:2375')).toMatchObject({ kind: 'tcp', hostname: '10.0.0.2', port: 2375 });
    expect(dockerEndpoint('tcp://[::1]')).toMatchObject({ kind: 'tcp', hostname: '::1', port: 2375 });
    expect(dockerEndpoint('tcp://h:2376', '0')).toMatchObject({ kind: 'tcp' });
    expect(dockerEndpoint('tcp://h:2376', '1')).toHaveProperty('unsupported');
  });

  it('compares API versions numerically', () => {
    expect(compareVersions('1.41', '1.47')).toBeLessThan(0);
    expect(compareVersions('1.100', '1.47')).toBeGreaterThan(0);
    expect(compareVersions('1.47', '1.47')).toBe(0);
  });

  it('keeps a reference readable in the engine path', () => {
    expect(refPath('fixtures/tiny:latest')).toBe('fixtures/tiny:latest');
    expect(refPath('r.example:5000/a/b@sha256:ab')).toBe('r.example:5000/a/b@sha256:ab');
    expect(refPath('a b?#')).toBe('a%20b%3F%23');
  });

  it('turns runs on for loopback, off beyond it unless switched on', () => {
    for (const host of [undefined, '127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(runPolicy({ host }).allowed, String(host)).toBe(true);
    expect(runPolicy({ host: '0.0.0.0' })).toMatchObject({ allowed: false, reason: expect.stringMatching(/PEEL_DOCKER_RUNS=1/) });
    expect(runPolicy({ host: '192.168.1.5' }).allowed).toBe(false);
    expect(runPolicy({ host: '0.0.0.0', allowRuns: true }).allowed).toBe(true);
  });

  it('reads the names docker load reports, and its errors', () => {
    expect(parseLoadReply('{"stream":"Loaded image: alpyne:latest\\n"}\r\n')).toEqual({ loaded: 'alpyne:latest', tags: ['alpyne:latest'] });
    expect(parseLoadReply('{"stream":"Loaded image: a:1\\n"}\n{"stream":"Loaded image: b:2\\n"}\n')).toEqual({ loaded: 'a:1', tags: ['a:1', 'b:2'] });
    expect(parseLoadReply('{"stream":"Loaded image ID: sha256:abc\\n"}')).toEqual({ loaded: 'sha256:abc', tags: ['sha256:abc'] });
    expect(() => parseLoadReply('{"errorDetail":{"message":"invalid tar header"},"error":"invalid tar header"}')).toThrow(/invalid tar header/);
    expect(() => parseLoadReply('')).toThrow(/reported no image/);
  });

  it('splits the multiplexed stream, whatever the chunking', () => {
    const bytes = Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err\n'), frame(0, 'stdin'), frame(1, Buffer.from('é\n'))]);
    for (const size of [1, 3, 8, 9, bytes.length]) {
      const got: Array<[StreamName, string]> = [];
      const d = new Demuxer((s, p) => got.push([s, p.toString()]));
      for (let i = 0; i < bytes.length; i += size) d.push(bytes.subarray(i, i + size));
      expect(got.map(([s, t]) => `${s}:${t}`).join('')).toBe('stdout:out 1\nstderr:err\nstdout:é\n');
    }
  });

  it('keeps output in order, decodes split characters, and caps it', () => {
    const out = new OutputBuffer(10);
    const e = Buffer.from('é');
    out.add('stdout', Buffer.from('ab'));
    out.add('stderr', Buffer.from('!'));
    out.add('stdout', e.subarray(0, 1));
    out.add('stdout', e.subarray(1));
    out.add('stdout', Buffer.from('0123456789'));
    out.end();
    expect(out.output).toBe('ab!é012345');
    expect(out.stdout).toBe('abé012345');
    expect(out.stderr).toBe('!');
    expect(out.truncated).toBe(true);
  });

  it('confines every container, whatever was asked', () => {
    const spec = containerSpec({ ref: 'a:1', cmd: ['sh'], env: ['A=1'], tty: true }, DEFAULT_RUN_LIMITS, 'r1');
    expect(spec).toMatchObject({ Image: 'a:1', Cmd: ['sh'], Env: ['A=1'], Tty: true, OpenStdin: true, NetworkDisabled: true, Labels: { 'dev.peel.run': 'r1' } });
    expect(spec.HostConfig).toMatchObject({
      NetworkMode: 'none', AutoRemove: true, Privileged: false, Binds: [], Mounts: [], Memory: 512 * 1024 * 1024, MemorySwap: 512 * 1024 * 1024, PidsLimit: 256,
    });
  });
});
