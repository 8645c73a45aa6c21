import { describe, expect, it } from 'vitest';
import { registryOf, repositoryOf } from './repository-of.js';

describe('repositoryOf', () => {
  it('drops the tag and the digest, keeps the port', () => {
    expect(repositoryOf('127.0.0.1:5000/team/app:1.4')).toBe('127.0.0.1:5000/team/app');
    expect(repositoryOf('127.0.0.1:5000/team/app')).toBe('127.0.0.1:5000/team/app');
    expect(repositoryOf('docker://localhost:5000/app@sha256:abc')).toBe('localhost:5000/app');
    expect(repositoryOf('alpine:3.20')).toBe('alpine');
    expect(repositoryOf(' registry.example/x/y:v1@sha256:00 ')).toBe('registry.example/x/y');
  });
});

describe('registryOf', () => {
  it('is the host when the reference names one, else Docker Hub', () => {
    expect(registryOf('127.0.0.1:5000/team/app:1.4')).toBe('127.0.0.1:5000');
    expect(registryOf('localhost/app')).toBe('localhost');
    expect(registryOf('registry.example/x/y@sha256:00')).toBe('registry.example');
    expect(registryOf('alpine:3.20')).toBe('docker.io');
    expect(registryOf('team/app:1')).toBe('docker.io');
  });
});
