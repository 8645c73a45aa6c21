import { describe, expect, it } from 'vitest';
import { languageIdFor } from './language-id.js';

describe('languageIdFor', () => {
  it('uses well-known names', () => {
    expect(languageIdFor('Dockerfile')).toBe('dockerfile');
    expect(languageIdFor('os-release')).toBe('properties');
    expect(languageIdFor('.env')).toBe('properties');
    expect(languageIdFor('nginx.conf')).toBe('nginx');
  });
  it('uses extensions', () => {
    expect(languageIdFor('index.json')).toBe('json');
    expect(languageIdFor('docker-entrypoint.sh')).toBe('shell');
    expect(languageIdFor('redis.conf')).toBe('properties');
    expect(languageIdFor('with space.conf')).toBe('properties');
    expect(languageIdFor('app.py')).toBe('python');
    expect(languageIdFor('main.tsx')).toBe('typescript');
  });
  it('falls back to the shebang and the first characters', () => {
    expect(languageIdFor('run', '#!/bin/sh')).toBe('shell');
    expect(languageIdFor('tool', '#!/usr/bin/env python3')).toBe('python');
    expect(languageIdFor('blob', '{"a":1}')).toBe('json');
    expect(languageIdFor('passwd', 'root:x:0:0')).toBe('text');
  });
});
