import type { Platform } from '@peel/api';

/** "linux/amd64", "linux/arm/v7". */
export function platformLabel(platform: Platform | null | undefined): string {
  if (!platform || (!platform.os && !platform.architecture)) return 'unknown';
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}
