/**
 * What a purge of one image removes, in this order, on both stores: its state becomes 'deleting'
 * (no reader sees it from then on); its bulk rows go in chunks (each table with its primary key,
 * by which a chunk is selected); its layer links go and the layers no other image links are
 * dropped; last, in one transaction, the blobs it and its draft referenced are read and its draft,
 * blob list, cached findings and row are deleted. Statements name the image's key `@key`.
 */
export const IMAGE_BULK_TABLES = [
  { table: 'fs_nodes', key: 'image, parent, name' },
  { table: 'fs_shadowed', key: 'image, parent, name, seq' },
  { table: 'layer_changes', key: 'image, layer, seq' },
  { table: 'archive_entries', key: 'image, seq' },
] as const;

/** The blob digests the image and its draft refer to (candidates for the blob collector). */
export const IMAGE_BLOBS = `SELECT digest FROM image_blobs WHERE image = @key
  UNION SELECT blob FROM draft_ops WHERE image = @key AND blob IS NOT NULL`;

/** The rest of the image, deleted in the transaction that reads IMAGE_BLOBS. */
export const IMAGE_LAST_DELETES = [
  'DELETE FROM draft_ops WHERE image = @key',
  'DELETE FROM drafts WHERE image = @key',
  'DELETE FROM image_blobs WHERE image = @key',
  'DELETE FROM image_findings WHERE image_id = (SELECT id FROM images WHERE key = @key)',
  'DELETE FROM images WHERE key = @key',
] as const;
