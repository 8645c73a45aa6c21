import { describe, expect, it } from 'vitest';
import { repositoryOf } from './repository-of.js';

describe('repositoryOf', () => {
  it('drops the tag and the digest, keeps the port', () => {
    expect(repositoryOf('127.0.0.1:5000/team/app:1.4')).toBe('127.0.0.1:5000/team/app');
    expect(repositoryOf('127.0.0.1:5000/team/app')).toBe('127.0.0.1:5000/team/app');
    expect(repositoryOf('docker://localhost:5000/app@sha256:abc')).toBe('localhost:5000/app');
    expect(repositoryOf('alpine:3.20')).toBe('alpine');
    expect(repositoryOf(' registry.example/x/y:v1@sha256:00 ')).toBe('registry.example/x/y');
  });
});
