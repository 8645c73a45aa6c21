import { describe, expect, it } from 'vitest';
import { imageRefProblem } from './image-ref.js';

describe('imageRefProblem', () => {
  it('accepts what docker tag accepts', () => {
    for (const ok of ['alpyne:latest', 'alpyne', 'library/alpine:3.20', 'registry.local:5000/team/app:1.2', 'a__b--c.d:V1_x', 'ghcr.io/o/r:sha-abc']) expect(imageRefProblem(ok)).toBeNull();
  });
  it('explains what it refuses', () => {
    expect(imageRefProblem('')).toMatch(/name/);
    expect(imageRefProblem('Alpyne:latest')).toMatch(/lowercase/);
    expect(imageRefProblem('alpyne:')).not.toBeNull();
    expect(imageRefProblem('alpyne:-x')).not.toBeNull();
    expect(imageRefProblem(' alpyne')).not.toBeNull();
    expect(imageRefProblem('a b')).not.toBeNull();
  });
});
