import { describe, expect, it } from 'vitest';
import { instructionOf, trimCreatedBy } from './created-by.js';

describe('trimCreatedBy', () => {
  it('drops the #(nop) noise of metadata steps', () => {
    expect(trimCreatedBy('/bin/sh -c #(nop)  CMD ["server"]')).toBe('CMD ["server"]');
    expect(trimCreatedBy('/bin/sh -c #(nop) ADD file:abc in / ')).toBe('ADD file:abc in /');
  });
  it('shows shell steps as RUN', () => {
    expect(trimCreatedBy('/bin/sh -c echo "nothing to see"')).toBe('RUN echo "nothing to see"');
  });
  it('removes build-arg prefixes', () => {
    expect(trimCreatedBy('|1 APP_UID=999 /bin/sh -c addgroup -g 999 redis')).toBe('RUN addgroup -g 999 redis');
    expect(trimCreatedBy('|2 A=1 B=2 /bin/sh -c true')).toBe('RUN true');
  });
  it('keeps BuildKit-style text as it is', () => {
    expect(trimCreatedBy('RUN /bin/sh -c apk add curl # buildkit')).toBe('RUN /bin/sh -c apk add curl # buildkit');
    expect(trimCreatedBy(null)).toBe('');
  });
});

describe('instructionOf', () => {
  it('finds the leading instruction', () => {
    expect(instructionOf('COPY .env /opt/app/.env')).toBe('COPY');
    expect(instructionOf('echo hi')).toBeNull();
  });
});
