/**
 * The schema of both stores, as one ordered list of versions: each has the SQLite SQL and the
 * PostgreSQL SQL side by side, so a change is made to both at once (SQLite: PRAGMA user_version
 * counts the applied ones; PostgreSQL: a schema_version table). Append a version to change the
 * schema; never edit one that has shipped.
 *
 * Paths are BLOBs of raw bytes (the engine's encodeName) split into (parent, name), so that a directory
 * listing is one range scan of a WITHOUT ROWID primary key and a path lookup is one seek.
 * Images are visible only in state 'ready': an ingest writes its rows in chunks while 'pending'
 * and flips the state at the end; a delete flips to 'deleting' first. Startup purges the rest.
 */

/** PostgreSQL text compared in byte order, as SQLite compares it. */
const TEXT = 'TEXT COLLATE "C"';

export interface Migration {
  sqlite: string;
  /**
   * The same version for PostgreSQL (store/postgres/), differing in dialect only: raw-name
   * columns and the config bytes are BYTEA (compared byte by byte, as SQLite compares BLOBs);
   * text is COLLATE "C" (byte order whatever the database's default), sizes, offsets and keys
   * BIGINT (numbers in JS, see postgres/pool.ts), row keys identity columns, no WITHOUT ROWID.
   * A PostgreSQL database is new with this store, so a version that only backfilled old SQLite
   * rows needs no counterpart beyond the column it adds.
   */
  postgres: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { sqlite: `
  CREATE TABLE images (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'ready', 'deleting')),
    name TEXT NOT NULL,
    tags TEXT NOT NULL,
    format TEXT NOT NULL,
    platform TEXT NOT NULL,
    platforms TEXT NOT NULL,
    manifest_digest TEXT,
    manifest_media_type TEXT,
    config_digest TEXT NOT NULL,
    config BLOB NOT NULL,
    history TEXT NOT NULL,
    problems TEXT NOT NULL,
    archive_digest TEXT NOT NULL,
    archive_size INTEGER NOT NULL,
    outer_compression TEXT NOT NULL,
    size INTEGER NOT NULL,
    layer_count INTEGER NOT NULL,
    file_count INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );

  -- Layers are shared across images, keyed by the digest of the stored blob.
  CREATE TABLE layers (
    key INTEGER PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    diff_id TEXT NOT NULL,
    compression TEXT NOT NULL,
    size INTEGER NOT NULL,
    uncompressed_size INTEGER NOT NULL,
    tar_blob TEXT NOT NULL,
    entry_count INTEGER NOT NULL,
    content_size INTEGER NOT NULL,
    problems TEXT NOT NULL
  );

  CREATE TABLE image_layers (
    image INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    layer INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    archive_path TEXT NOT NULL,
    history INTEGER,
    PRIMARY KEY (image, idx)
  ) WITHOUT ROWID;
  CREATE INDEX image_layers_by_layer ON image_layers (layer);

  -- A layer's own entries in tar order, plus the directories it implies (implicit = 1).
  CREATE TABLE layer_entries (
    layer INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    parent BLOB NOT NULL,
    name BLOB NOT NULL,
    type TEXT NOT NULL,
    mode INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    gid INTEGER NOT NULL,
    uname TEXT NOT NULL,
    gname TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    link_target BLOB,
    dev_major INTEGER NOT NULL,
    dev_minor INTEGER NOT NULL,
    xattrs TEXT,
    data_offset INTEGER NOT NULL,
    header_offset INTEGER NOT NULL,
    digest TEXT,
    implicit INTEGER NOT NULL,
    PRIMARY KEY (layer, seq)
  ) WITHOUT ROWID;
  CREATE INDEX layer_entries_by_dir ON layer_entries (layer, parent, name);

  -- The merged (final) filesystem of each image. A file's bytes (for a hard link: its target's)
  -- are those of layer_entries row content_seq of the image's layer content_layer.
  CREATE TABLE fs_nodes (
    image INTEGER NOT NULL,
    parent BLOB NOT NULL,
    name BLOB NOT NULL,
    type TEXT NOT NULL,
    mode INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    gid INTEGER NOT NULL,
    uname TEXT NOT NULL,
    gname TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    link_target BLOB,
    dev_major INTEGER NOT NULL,
    dev_minor INTEGER NOT NULL,
    xattrs TEXT,
    layer INTEGER NOT NULL,
    implicit INTEGER NOT NULL,
    child_count INTEGER NOT NULL,
    digest TEXT,
    content_layer INTEGER,
    content_seq INTEGER,
    PRIMARY KEY (image, parent, name)
  ) WITHOUT ROWID;

  -- What lower layers had and a later layer deleted or overwrote.
  CREATE TABLE fs_shadowed (
    image INTEGER NOT NULL,
    parent BLOB NOT NULL,
    name BLOB NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    mode INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    gid INTEGER NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    link_target BLOB,
    layer INTEGER NOT NULL,
    deleted_by INTEGER,
    overwritten_by INTEGER,
    digest TEXT,
    PRIMARY KEY (image, parent, name, seq)
  ) WITHOUT ROWID;

  CREATE TABLE layer_changes (
    image INTEGER NOT NULL,
    layer INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    path BLOB NOT NULL,
    change TEXT NOT NULL,
    type TEXT NOT NULL,
    size INTEGER NOT NULL,
    previous_layer INTEGER,
    metadata_only INTEGER NOT NULL,
    previous_size INTEGER,
    PRIMARY KEY (image, layer, seq)
  ) WITHOUT ROWID;

  CREATE TABLE archive_entries (
    image INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    path BLOB NOT NULL,
    type TEXT NOT NULL,
    size INTEGER NOT NULL,
    digest TEXT,
    link_target BLOB,
    role TEXT NOT NULL,
    label TEXT,
    media_type TEXT,
    PRIMARY KEY (image, seq)
  ) WITHOUT ROWID;
  CREATE INDEX archive_entries_by_path ON archive_entries (image, path);

  -- Every blob an image needs (outer archive files, layer blobs, uncompressed layer tars).
  CREATE TABLE image_blobs (
    image INTEGER NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (image, digest)
  ) WITHOUT ROWID;
  CREATE INDEX image_blobs_by_digest ON image_blobs (digest);
  `, postgres: `
  CREATE TABLE images (
    key BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    id ${TEXT} NOT NULL UNIQUE,
    state ${TEXT} NOT NULL CHECK (state IN ('pending', 'ready', 'deleting')),
    name ${TEXT} NOT NULL,
    tags ${TEXT} NOT NULL,
    format ${TEXT} NOT NULL,
    platform ${TEXT} NOT NULL,
    platforms ${TEXT} NOT NULL,
    manifest_digest ${TEXT},
    manifest_media_type ${TEXT},
    config_digest ${TEXT} NOT NULL,
    config BYTEA NOT NULL,
    history ${TEXT} NOT NULL,
    problems ${TEXT} NOT NULL,
    archive_digest ${TEXT} NOT NULL,
    archive_size BIGINT NOT NULL,
    outer_compression ${TEXT} NOT NULL,
    size BIGINT NOT NULL,
    layer_count INTEGER NOT NULL,
    file_count BIGINT NOT NULL,
    created_at ${TEXT} NOT NULL
  );

  CREATE TABLE layers (
    key BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    digest ${TEXT} NOT NULL UNIQUE,
    diff_id ${TEXT} NOT NULL,
    compression ${TEXT} NOT NULL,
    size BIGINT NOT NULL,
    uncompressed_size BIGINT NOT NULL,
    tar_blob ${TEXT} NOT NULL,
    entry_count BIGINT NOT NULL,
    content_size BIGINT NOT NULL,
    problems ${TEXT} NOT NULL
  );

  CREATE TABLE image_layers (
    image BIGINT NOT NULL,
    idx INTEGER NOT NULL,
    layer BIGINT NOT NULL,
    media_type ${TEXT} NOT NULL,
    archive_path ${TEXT} NOT NULL,
    history INTEGER,
    PRIMARY KEY (image, idx)
  );
  CREATE INDEX image_layers_by_layer ON image_layers (layer);

  CREATE TABLE layer_entries (
    layer BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    parent BYTEA NOT NULL,
    name BYTEA NOT NULL,
    type ${TEXT} NOT NULL,
    mode BIGINT NOT NULL,
    uid BIGINT NOT NULL,
    gid BIGINT NOT NULL,
    uname ${TEXT} NOT NULL,
    gname ${TEXT} NOT NULL,
    size BIGINT NOT NULL,
    mtime DOUBLE PRECISION NOT NULL,
    link_target BYTEA,
    dev_major BIGINT NOT NULL,
    dev_minor BIGINT NOT NULL,
    xattrs ${TEXT},
    data_offset BIGINT NOT NULL,
    header_offset BIGINT NOT NULL,
    digest ${TEXT},
    implicit INTEGER NOT NULL,
    PRIMARY KEY (layer, seq)
  );
  CREATE INDEX layer_entries_by_dir ON layer_entries (layer, parent, name);

  CREATE TABLE fs_nodes (
    image BIGINT NOT NULL,
    parent BYTEA NOT NULL,
    name BYTEA NOT NULL,
    type ${TEXT} NOT NULL,
    mode BIGINT NOT NULL,
    uid BIGINT NOT NULL,
    gid BIGINT NOT NULL,
    uname ${TEXT} NOT NULL,
    gname ${TEXT} NOT NULL,
    size BIGINT NOT NULL,
    mtime DOUBLE PRECISION NOT NULL,
    link_target BYTEA,
    dev_major BIGINT NOT NULL,
    dev_minor BIGINT NOT NULL,
    xattrs ${TEXT},
    layer INTEGER NOT NULL,
    implicit INTEGER NOT NULL,
    child_count BIGINT NOT NULL,
    digest ${TEXT},
    content_layer INTEGER,
    content_seq BIGINT,
    PRIMARY KEY (image, parent, name)
  );

  CREATE TABLE fs_shadowed (
    image BIGINT NOT NULL,
    parent BYTEA NOT NULL,
    name BYTEA NOT NULL,
    seq BIGINT NOT NULL,
    type ${TEXT} NOT NULL,
    mode BIGINT NOT NULL,
    uid BIGINT NOT NULL,
    gid BIGINT NOT NULL,
    size BIGINT NOT NULL,
    mtime DOUBLE PRECISION NOT NULL,
    link_target BYTEA,
    layer INTEGER NOT NULL,
    deleted_by INTEGER,
    overwritten_by INTEGER,
    digest ${TEXT},
    PRIMARY KEY (image, parent, name, seq)
  );

  CREATE TABLE layer_changes (
    image BIGINT NOT NULL,
    layer INTEGER NOT NULL,
    seq BIGINT NOT NULL,
    path BYTEA NOT NULL,
    change ${TEXT} NOT NULL,
    type ${TEXT} NOT NULL,
    size BIGINT NOT NULL,
    previous_layer INTEGER,
    metadata_only INTEGER NOT NULL,
    previous_size BIGINT,
    PRIMARY KEY (image, layer, seq)
  );

  CREATE TABLE archive_entries (
    image BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    path BYTEA NOT NULL,
    type ${TEXT} NOT NULL,
    size BIGINT NOT NULL,
    digest ${TEXT},
    link_target BYTEA,
    role ${TEXT} NOT NULL,
    label ${TEXT},
    media_type ${TEXT},
    PRIMARY KEY (image, seq)
  );
  CREATE INDEX archive_entries_by_path ON archive_entries (image, path);

  CREATE TABLE image_blobs (
    image BIGINT NOT NULL,
    digest ${TEXT} NOT NULL,
    PRIMARY KEY (image, digest)
  );
  CREATE INDEX image_blobs_by_digest ON image_blobs (digest);
  ` },
  { sqlite: `
  -- A draft: an image's pending edits (issue 5). One row per image that has any.
  CREATE TABLE drafts (
    image INTEGER PRIMARY KEY,
    -- JSON: keys of the image config's "config" object to set; null removes one.
    config TEXT NOT NULL,
    tag TEXT,
    updated_at TEXT NOT NULL
  );

  -- The draft's file edits in the order they were made. op is the engine's DraftOp as JSON
  -- (lone surrogates of non-UTF-8 names stay escaped); summary is what it did when it was made.
  -- blob: the new bytes of a write, kept in the blob store while the row exists.
  CREATE TABLE draft_ops (
    image INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    op TEXT NOT NULL,
    summary TEXT NOT NULL,
    blob TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (image, seq)
  ) WITHOUT ROWID;
  CREATE INDEX draft_ops_by_blob ON draft_ops (blob) WHERE blob IS NOT NULL;
  `, postgres: `
  CREATE TABLE drafts (
    image BIGINT PRIMARY KEY,
    config ${TEXT} NOT NULL,
    tag ${TEXT},
    updated_at ${TEXT} NOT NULL
  );

  CREATE TABLE draft_ops (
    image BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    op ${TEXT} NOT NULL,
    summary ${TEXT} NOT NULL,
    blob ${TEXT},
    created_at ${TEXT} NOT NULL,
    PRIMARY KEY (image, seq)
  );
  CREATE INDEX draft_ops_by_blob ON draft_ops (blob) WHERE blob IS NOT NULL;
  ` },
  { sqlite: `
  -- A sparse file's data regions as JSON [[offset, length], ...] (the engine's LayerEntry.sparse):
  -- the tar stores only these bytes, back to back from data_offset; the rest reads as zeros.
  ALTER TABLE layer_entries ADD COLUMN sparse TEXT;
  `, postgres: `
  ALTER TABLE layer_entries ADD COLUMN sparse ${TEXT};
  ` },
  { sqlite: `
  -- A folder's bytes of file content below it (hard links count their target's size), so a
  -- listing shows and sorts folders by what they hold. Null for everything that is not a folder.
  -- Images stored before this column get it here, one range scan of the folder's descendants each
  -- (paths are bytes: "dir0" bounds "dir/…", as in subtree-size.ts).
  ALTER TABLE fs_nodes ADD COLUMN bytes_below INTEGER;
  UPDATE fs_nodes AS d SET bytes_below = (
    SELECT coalesce(sum(CASE WHEN n.type = 'file' THEN n.size ELSE (
        SELECT le.size FROM image_layers il JOIN layer_entries le ON le.layer = il.layer AND le.seq = n.content_seq
         WHERE il.image = n.image AND il.idx = n.content_layer) END), 0)
      FROM fs_nodes n
     WHERE n.image = d.image
       AND (n.type = 'file' OR (n.type = 'hardlink' AND n.content_seq IS NOT NULL))
       AND (n.parent = (CASE WHEN length(d.parent) = 0 THEN d.name ELSE CAST(d.parent || '/' || d.name AS BLOB) END)
         OR (n.parent >= CAST((CASE WHEN length(d.parent) = 0 THEN d.name ELSE d.parent || '/' || d.name END) || '/' AS BLOB)
         AND n.parent < CAST((CASE WHEN length(d.parent) = 0 THEN d.name ELSE d.parent || '/' || d.name END) || '0' AS BLOB))))
   WHERE d.type = 'dir';
  `, postgres: `
  ALTER TABLE fs_nodes ADD COLUMN bytes_below BIGINT;
  ` },
  { sqlite: `
  -- A pending image names the process writing it, so that a start-up cleanup removes only those
  -- whose writer is gone (its pid no longer runs on this host, or another process has its pid)
  -- or stopped beating (heartbeat_at older than the cleanup's limit).
  ALTER TABLE images ADD COLUMN owner_pid INTEGER;
  ALTER TABLE images ADD COLUMN owner_host TEXT;
  ALTER TABLE images ADD COLUMN owner_started TEXT;
  ALTER TABLE images ADD COLUMN heartbeat_at TEXT;

  -- Bumped by every edit of the draft, in the edit's transaction: an edit made from an older
  -- read is refused instead of overwriting the one between.
  ALTER TABLE drafts ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

  -- Computed findings (a cache: the image never changes; keyed by its id and the analysis
  -- version). Earlier versions created it on first use.
  CREATE TABLE IF NOT EXISTS image_findings (
    image_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    computed_at TEXT NOT NULL,
    json TEXT NOT NULL
  ) WITHOUT ROWID;
  `, postgres: `
  ALTER TABLE images ADD COLUMN owner_pid INTEGER;
  ALTER TABLE images ADD COLUMN owner_host ${TEXT};
  ALTER TABLE images ADD COLUMN owner_started ${TEXT};
  ALTER TABLE images ADD COLUMN heartbeat_at ${TEXT};

  ALTER TABLE drafts ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;

  CREATE TABLE image_findings (
    image_id ${TEXT} PRIMARY KEY,
    version INTEGER NOT NULL,
    computed_at ${TEXT} NOT NULL,
    json ${TEXT} NOT NULL
  );
  ` },
  { sqlite: `
  -- Nothing: the substring search's trigram index is PostgreSQL's (SQLite scans the image's rows).
  `, postgres: `
  -- A trigram index answers LIKE '%…%' on the text the substring search matches, written as
  -- IMMUTABLE built-ins (convert_from is only STABLE): the absolute path's bytes through
  -- encode(…, 'escape') (NUL and bytes above 0x7f as \\ooo, a backslash doubled, the rest as is),
  -- ASCII letters lowered (lower() under "C" changes nothing else), as postgres/text-match.ts's
  -- escapedLower. pg_trgm ships with PostgreSQL's contrib and is a trusted extension (the
  -- database's owner may create it), but a server may lack it or refuse: then there is no index,
  -- and the store scans as before (postgres/index.ts looks for the index).
  DO $do$
  DECLARE trgm NAME; tbl TEXT;
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')
       AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
      BEGIN
        CREATE EXTENSION pg_trgm;
      EXCEPTION WHEN insufficient_privilege OR undefined_file THEN
        RAISE NOTICE 'pg_trgm not created (%): the substring search scans', SQLERRM;
      END;
    END IF;
    -- Installed earlier, it may live in another schema: its operator class is named with it.
    SELECT n.nspname INTO trgm FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    IF trgm IS NOT NULL THEN
      FOREACH tbl IN ARRAY ARRAY['fs_nodes', 'fs_shadowed'] LOOP
        EXECUTE format($sql$CREATE INDEX %I ON %I USING gin (lower(encode('\\x2f'::bytea || CASE WHEN length(parent) = 0 THEN name
          ELSE parent || '\\x2f'::bytea || name END, 'escape') COLLATE "C") %I.gin_trgm_ops)$sql$, tbl || '_by_lower_path', tbl, trgm);
      END LOOP;
    END IF;
  END
  $do$;
  ` },
  { sqlite: `
  -- The substring search's index (PostgreSQL's is the trigram index above). A path is
  -- '/' parent '/' name, and a name holds no '/': a pattern lies within the folder part, within
  -- the name, or ends in the folder part's last '/' and goes on into the name. So the search
  -- matches an image's distinct folders and distinct names (few beside its rows: folders of many
  -- files, names such as index.js in every package), then seeks the rows by primary key: every
  -- row of a matching folder, and (folder, name) for the matching names.
  -- live, shadowed: whether fs_nodes, fs_shadowed have rows in the folder (1 or 0).
  CREATE TABLE fs_folders (
    image INTEGER NOT NULL,
    folder BLOB NOT NULL,
    live INTEGER NOT NULL,
    shadowed INTEGER NOT NULL,
    PRIMARY KEY (image, folder)
  ) WITHOUT ROWID;
  CREATE TABLE fs_names (
    image INTEGER NOT NULL,
    name BLOB NOT NULL,
    PRIMARY KEY (image, name)
  ) WITHOUT ROWID;
  INSERT INTO fs_folders (image, folder, live, shadowed) SELECT DISTINCT image, parent, 1, 0 FROM fs_nodes;
  -- (WHERE true: an upsert from a SELECT needs a WHERE, else SQLite reads ON as a join's.)
  INSERT INTO fs_folders (image, folder, live, shadowed) SELECT DISTINCT image, parent, 0, 1 FROM fs_shadowed WHERE true
    ON CONFLICT (image, folder) DO UPDATE SET shadowed = 1;
  INSERT OR IGNORE INTO fs_names (image, name) SELECT DISTINCT image, name FROM fs_nodes;
  INSERT OR IGNORE INTO fs_names (image, name) SELECT DISTINCT image, name FROM fs_shadowed;
  `, postgres: `
  -- Nothing: the trigram index above answers the substring search.
  ` },
  { sqlite: `
  -- The search's rows by name: a name found in every folder is then one range of this table, not a
  -- seek per folder. Built after an ingest, in the background (the image is browsable and searched
  -- through fs_folders meanwhile); fs_by_name_ready lists the images whose rows are all in.
  -- deleted: 0 for an fs_nodes row, 1 for an fs_shadowed row (seq: its seq; 0 for a node).
  CREATE TABLE fs_by_name (
    image INTEGER NOT NULL,
    name BLOB NOT NULL,
    parent BLOB NOT NULL,
    deleted INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (image, name, parent, deleted, seq)
  ) WITHOUT ROWID;
  CREATE TABLE fs_by_name_ready (
    image INTEGER PRIMARY KEY
  );
  `, postgres: `
  -- Nothing: the trigram index answers the substring search.
  ` },
  { sqlite: `
  -- How many rows each folder holds (live_rows: in fs_nodes; shadowed_rows: in fs_shadowed),
  -- written with fs_folders: the search counts a matching folder's hits without reading them.
  ALTER TABLE fs_folders ADD COLUMN live_rows INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE fs_folders ADD COLUMN shadowed_rows INTEGER NOT NULL DEFAULT 0;
  UPDATE fs_folders SET live_rows = (SELECT count(*) FROM fs_nodes n WHERE n.image = fs_folders.image AND n.parent = fs_folders.folder) WHERE live;
  UPDATE fs_folders SET shadowed_rows = (SELECT count(*) FROM fs_shadowed s WHERE s.image = fs_folders.image AND s.parent = fs_folders.folder) WHERE shadowed;
  -- How many rows each name has (live: in fs_nodes; shadowed: in fs_shadowed), written with the
  -- rows by name: a name found in millions of rows (f0001.txt, index.js) then tells the search's
  -- total without counting them. Complete for the images in fs_by_name_ready.
  CREATE TABLE fs_name_counts (
    image INTEGER NOT NULL,
    name BLOB NOT NULL,
    live INTEGER NOT NULL,
    shadowed INTEGER NOT NULL,
    PRIMARY KEY (image, name)
  ) WITHOUT ROWID;
  INSERT INTO fs_name_counts (image, name, live, shadowed)
    SELECT image, name, sum(deleted = 0), sum(deleted = 1) FROM fs_by_name
    WHERE image IN (SELECT image FROM fs_by_name_ready) GROUP BY image, name;
  `, postgres: `
  -- Nothing: the trigram index answers the substring search.
  ` },
];

