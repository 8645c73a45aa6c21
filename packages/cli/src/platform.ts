import type { Platform } from '@peel/engine';
import { UsageError } from './exit-codes.js';

/** `linux/arm64/v8` → { os, architecture, variant }. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, extra] = text.split('/');
  if (!os || !architecture || extra !== undefined) throw new UsageError(`--platform takes OS/ARCH[/VARIANT], e.g. linux/amd64 (got ${JSON.stringify(text)})`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** This machine's platform in OCI terms. */
export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return { os: 'linux', architecture: arch[process.arch] ?? process.arch };
}
