import type { ArchiveEntry, ArchiveRole, ResolvedImage } from '../types.js';
import type { ArchiveFiles } from './archive-files.js';
import type { DockerCandidate } from './docker-walk.js';
import type { OciWalk } from './oci-walk.js';
import { platformString } from './oci-walk.js';

const FIXED: Record<string, ArchiveRole> = {
  'manifest.json': 'manifest.json',
  'index.json': 'index.json',
  'oci-layout': 'oci-layout',
  repositories: 'repositories',
};

/** Labels every entry of the outer archive with the role it plays for the selected image (and the others). */
export function assignRoles(files: ArchiveFiles, selected: ResolvedImage, images: ResolvedImage[], oci: OciWalk | null, docker: DockerCandidate[]): ArchiveEntry[] {
  const byPath = new Map<string, { role: ArchiveRole; label: string | null; mediaType: string | null }>();
  const byDigest = new Map<string, { role: ArchiveRole; label: string | null; mediaType: string | null }>();
  const multi = images.length > 1;
  for (const img of [...images].reverse()) {
    const suffix = multi && img !== selected ? ` of ${platformString(img.platform)}${img.tags[0] ? ` ${img.tags[0]}` : ''}` : '';
    byDigest.set(img.configDigest, { role: 'config', label: `image config${suffix}`, mediaType: null });
    if (img.manifestDigest) byDigest.set(img.manifestDigest, { role: 'manifest', label: `image manifest${suffix || ` (${platformString(img.platform)})`}`, mediaType: img.manifestMediaType });
    for (const l of img.layers) {
      byDigest.set(l.blob, { role: 'layer', label: `layer ${l.index}${suffix}`, mediaType: l.mediaType });
      byDigest.set(l.tarBlob, byDigest.get(l.tarBlob) ?? { role: 'layer', label: `layer ${l.index}${suffix}`, mediaType: l.mediaType });
    }
  }
  for (const [digest, r] of oci?.roles ?? []) if (!byDigest.has(digest) || r.role === 'index') byDigest.set(digest, { role: r.role, label: r.label, mediaType: null });
  for (const d of oci?.attestationBlobs ?? []) if (!byDigest.has(d)) byDigest.set(d, { role: 'attestation', label: 'attestation blob', mediaType: null });
  for (const d of docker) for (const p of d.layerPaths) byPath.set(p, { role: 'layer', label: null, mediaType: null });

  const entries: ArchiveEntry[] = [];
  for (const path of files.scan.order) {
    const file = files.scan.files.get(path);
    const link = files.scan.links.get(path);
    if (file) {
      const known = FIXED[path] ? { role: FIXED[path], label: null, mediaType: null } : byDigest.get(file.digest) ?? byPath.get(path);
      let role: ArchiveRole = known?.role ?? 'unknown';
      let label = known?.label ?? null;
      if (!known) {
        if (/(^|\/)VERSION$/.test(path)) role = 'version';
        else if (/^[^/]+\/json$/.test(path)) { role = 'legacy-json'; label = 'legacy v1 layer JSON'; }
        else if (file.json) { role = 'other'; label = 'unreferenced JSON'; }
      }
      entries.push({ path, type: 'file', size: file.size, digest: file.digest, linkTarget: null, role, label, mediaType: known?.mediaType ?? null });
    } else if (link) {
      const target = link.type === 'dir' ? undefined : files.at(path);
      const known = target ? byDigest.get(target.digest) : undefined;
      entries.push({
        path,
        type: link.type,
        size: 0,
        digest: target?.digest ?? null,
        linkTarget: link.linkTarget,
        role: link.type === 'dir' ? 'directory' : known?.role ?? 'unknown',
        label: known?.label ? `${known.label} (link to ${target!.path})` : null,
        mediaType: known?.mediaType ?? null,
      });
    }
  }
  return entries;
}
