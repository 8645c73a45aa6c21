/** Platforms of an index and the host's, as Go's GOOS/GOARCH name them. */
import type { Descriptor, Platform } from './types.js';

const ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', mips: 'mips', mipsel: 'mipsle', loong64: 'loong64' };

/** The platform images for this machine are built for (Linux containers unless on Windows). */
export function hostPlatform(): Platform {
  const os = process.platform === 'win32' ? 'windows' : 'linux';
  const architecture = ARCH[process.arch] ?? process.arch;
  if (architecture === 'arm') {
    const v = (process.config.variables as { arm_version?: string }).arm_version;
    return { os, architecture, variant: `v${v ?? '7'}` };
  }
  return { os, architecture };
}

/** The variant an architecture means when none is written (arm64 is v8, arm is v7). */
function variantOf(p: Platform): string {
  if (p.variant) return p.variant;
  if (p.architecture === 'arm64') return 'v8';
  if (p.architecture === 'arm') return 'v7';
  return '';
}

export function platformMatches(wanted: Platform, candidate: Platform | undefined): boolean {
  if (!candidate) return false;
  if (candidate.os !== wanted.os || candidate.architecture !== wanted.architecture) return false;
  return variantOf(candidate) === variantOf(wanted) || (!wanted.variant && !candidate.variant);
}

export function formatPlatform(p: Platform | undefined): string {
  if (!p) return 'unknown';
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** Parses `os/arch[/variant]`. */
export function parsePlatform(text: string): Platform | null {
  const [os, architecture, variant, extra] = text.split('/');
  if (!os || !architecture || extra !== undefined) return null;
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** The first manifest of an index for the platform (attestations, platform unknown/unknown, are never picked). */
export function pickPlatform(manifests: readonly Descriptor[], wanted: Platform): Descriptor | undefined {
  return manifests.find((d) => platformMatches(wanted, d.platform));
}
