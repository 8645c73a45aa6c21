import { describe, expect, it } from 'vitest';
import { nextLink, parseChallenges } from '../src/index.js';

describe('parseChallenges', () => {
  it('reads distribution\'s Bearer challenge with a quoted, space-separated scope list', () => {
    expect(parseChallenges('Bearer realm="https://auth.example/token",service="test-registry",scope="repository:test/x:pull,push repository:other/repo:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'test-registry', scope: 'repository:test/x:pull,push repository:other/repo:pull' } },
    ]);
  });
  it('reads Basic, unquoted values, escapes, spaces around = and several challenges in one header', () => {
    expect(parseChallenges('Basic realm="a \\"quoted\\" realm", Bearer realm=https://t.example/token , error = "insufficient_scope"')).toEqual([
      { scheme: 'basic', params: { realm: 'a "quoted" realm' } },
      { scheme: 'bearer', params: { realm: 'https://t.example/token', error: 'insufficient_scope' } },
    ]);
  });
  it('reads challenges over several headers, lowercasing schemes and names', () => {
    expect(parseChallenges(['BASIC Realm="r"', 'Negotiate'])).toEqual([
      { scheme: 'basic', params: { realm: 'r' } },
      { scheme: 'negotiate', params: {} },
    ]);
  });
  it('gives nothing for an absent or empty header', () => {
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges('')).toEqual([]);
  });
});

describe('nextLink', () => {
  it('finds rel="next"', () => {
    expect(nextLink('</v2/_catalog?last=b&n=2>; rel="next"')).toBe('/v2/_catalog?last=b&n=2');
    expect(nextLink(['<https://r/prev>; rel="prev"', '<https://r/v2/x/tags/list?n=2&last=v2>; rel=next'])).toBe('https://r/v2/x/tags/list?n=2&last=v2');
  });
  it('gives null without a next link', () => {
    expect(nextLink(undefined)).toBeNull();
    expect(nextLink('<https://r/prev>; rel="prev"')).toBeNull();
  });
});
