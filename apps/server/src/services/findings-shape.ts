import type { FindingsResponse } from '@peel/api';
import { withAbsolutePaths, type Findings } from '@peel/engine';

/** The engine's findings in the API's terms: absolute paths, the image id and when it was computed. */
export function findingsToApi(imageId: string, f: Findings, computedAt: string): FindingsResponse {
  const { secrets, waste, sizes, base, scan } = withAbsolutePaths(f);
  return { imageId, secrets, waste, sizes, base, scan, computedAt };
}
