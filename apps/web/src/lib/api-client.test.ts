import { describe, expect, it } from 'vitest';
import { apiUrl, parseApiError } from './api-client.js';

describe('parseApiError', () => {
  it("keeps the server's code and message", () => {
    const error = parseApiError(400, JSON.stringify({ error: { code: 'not_an_image', message: 'This is not a tar archive.' } }));
    expect(error.status).toBe(400);
    expect(error.code).toBe('not_an_image');
    expect(error.message).toBe('This is not a tar archive.');
  });
  it('keeps the technical detail beside the plain message', () => {
    const error = parseApiError(400, JSON.stringify({ error: { code: 'NOT_A_TAR', message: 'this is not a tar archive', detail: 'archive ends inside a header block at offset 0 at byte 27' } }));
    expect(error.message).toBe('this is not a tar archive');
    expect(error.detail).toBe('archive ends inside a header block at offset 0 at byte 27');
    expect(parseApiError(404, JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no image x' } })).detail).toBeUndefined();
  });
  it('falls back to text or the status line', () => {
    expect(parseApiError(502, 'Bad gateway from proxy').message).toBe('Bad gateway from proxy');
    expect(parseApiError(500, '', 'Internal Server Error').message).toBe('500 Internal Server Error');
  });
});

describe('apiUrl', () => {
  it('encodes parameters and skips empty ones', () => {
    expect(apiUrl('/api/images/x/fs', { path: '/opt/app/conf/with space.conf', layer: 3, deleted: false, q: undefined }))
      .toBe('/api/images/x/fs?path=%2Fopt%2Fapp%2Fconf%2Fwith%20space.conf&layer=3');
    expect(apiUrl('/api/images/x/fs', { deleted: true })).toBe('/api/images/x/fs?deleted=1');
    expect(apiUrl('/api/images')).toBe('/api/images');
  });
  it('carries names that are not valid UTF-8 byte by byte', () => {
    expect(apiUrl('/api/images/x/content', { path: '/bad\udcff' })).toBe('/api/images/x/content?path=%2Fbad%FF');
  });
});
