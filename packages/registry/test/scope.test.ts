import { describe, expect, it } from 'vitest';
import { mergeScopes } from '../src/scope.js';
import { parsePlatform, pickPlatform } from '../src/index.js';

describe('mergeScopes', () => {
  it('merges actions per resource, splits space-separated lists, and orders the result', () => {
    expect(mergeScopes(['repository:b/x:pull', 'repository:a/y:push'], ['repository:b/x:push,pull repository:a/y:pull'])).toEqual([
      'repository:a/y:pull,push',
      'repository:b/x:pull,push',
    ]);
  });
});

describe('pickPlatform', () => {
  const d = (platform: string) => ({ mediaType: 'm', digest: `sha256:${'0'.repeat(64)}`, size: 1, platform: parsePlatform(platform)! });
  it('picks by os/architecture and treats arm64 and arm64/v8 alike; never unknown/unknown', () => {
    const list = [d('unknown/unknown'), d('linux/amd64'), d('linux/arm64/v8'), d('linux/arm/v6')];
    expect(pickPlatform(list, { os: 'linux', architecture: 'amd64' })).toBe(list[1]);
    expect(pickPlatform(list, { os: 'linux', architecture: 'arm64' })).toBe(list[2]);
    expect(pickPlatform(list, { os: 'linux', architecture: 'arm', variant: 'v7' })).toBeUndefined();
    expect(pickPlatform(list, { os: 'windows', architecture: 'amd64' })).toBeUndefined();
  });
});
