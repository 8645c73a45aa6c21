/** Media types (image-spec media-types.md, Docker's distribution types). */
export const MT = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export const isIndexType = (mt: string | undefined): boolean => mt === MT.ociIndex || mt === MT.dockerList;
export const isManifestType = (mt: string | undefined): boolean => mt === MT.ociManifest || mt === MT.dockerManifest;

/** The compression a layer media type claims, or null when the type says nothing we know. */
export function claimedCompression(mt: string): 'none' | 'gzip' | 'zstd' | null {
  if (/\+gzip$|\.gzip$/.test(mt)) return 'gzip';
  if (/\+zstd$|\.zstd$/.test(mt)) return 'zstd';
  if (/\.tar$/.test(mt)) return 'none';
  return null;
}

/** Docker legacy archives carry no media types: name the layer after what its bytes are. */
export function dockerLayerType(compression: 'none' | 'gzip' | 'zstd'): string {
  if (compression === 'gzip') return MT.dockerLayerGzip;
  if (compression === 'zstd') return 'application/vnd.docker.image.rootfs.diff.tar.zstd';
  return MT.dockerLayer;
}
