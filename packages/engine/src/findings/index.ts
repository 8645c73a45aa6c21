/** Findings: sizes, waste, baked-in secrets and the base-image split of one image. */
export { analyzeImage, type AnalyzeInput, type AnalyzeOptions } from './analyze.js';
export { layersFromArrays, type FindingsLayer } from './copies.js';
export { WASTE_FORMULA } from './waste.js';
export { withAbsolutePaths } from './absolute-paths.js';
export { guessBaseImage } from './base-image.js';
export type * from './types.js';
