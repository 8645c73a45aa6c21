import { describe, expect, it } from 'vitest';
import { contentUrl, parseContentRangeTotal } from './get-content.js';

describe('content helpers', () => {
  it('reads the total from Content-Range', () => {
    expect(parseContentRangeTotal('bytes 0-65535/2097152')).toBe(2_097_152);
    expect(parseContentRangeTotal('bytes */97')).toBe(97);
    expect(parseContentRangeTotal('bytes 0-1/*')).toBeNull();
    expect(parseContentRangeTotal(null)).toBeNull();
  });
  it('addresses merged and per-layer content', () => {
    expect(contentUrl('abc', '/etc/os-release')).toBe('/api/images/abc/content?path=%2Fetc%2Fos-release');
    expect(contentUrl('abc', '/etc/os-release', 0)).toBe('/api/images/abc/content?path=%2Fetc%2Fos-release&layer=0');
  });
});
