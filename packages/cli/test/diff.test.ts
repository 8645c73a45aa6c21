/**
 * `peel diff` on the fixtures, checked against what Docker said about them when they were made:
 * `docker export` listings (multi is built FROM tiny), `docker inspect` configs and layers,
 * `docker history`. The Docker-built comparison with every kind of change is test/interop/diff.test.ts.
 */
import { copyFile, readFile, truncate } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, peel, repoRoot } from './helpers/run.js';
import { readOracle, type Row } from './helpers/listing.js';
import { tempDir } from './helpers/tmp.js';

const tiny = fixture('tiny-docker-legacy.tar');
const multi = fixture('multi-docker-legacy.tar');

interface DiffDoc {
  format: string;
  equal: boolean;
  summary: { added: { count: number }; net: number; bytes: { a: number; b: number } };
  layers: { shared: number; onlyA: unknown[]; onlyB: Array<{ diffId: string }>; text: string };
  config: Array<{ field: string; key: string | null; a: unknown; b: unknown }>;
  history: Array<{ status: string; a: { createdBy: string } | null; b: { createdBy: string } | null }>;
  changes: Array<{ path: string; change: string; fields: string[]; a: { size: number; type: string } | null; b: { size: number; type: string } | null }>;
  folders: Array<{ path: string; changesBelow: number }>;
}

async function diffJson(args: string[]): Promise<{ code: number; doc: DiffDoc }> {
  const r = await peel(['diff', ...args, '--json']);
  expect(r.stderr).toBe('');
  return { code: r.code, doc: JSON.parse(r.out) as DiffDoc };
}

/** A docker-export listing keyed by path, hard links folded into the file they share. */
async function exportListing(image: string): Promise<Map<string, Row>> {
  const rows = await readOracle(fixture(`${image}.oracle/merged-fs-docker-export.tsv`));
  const byPath = new Map(rows.map((r) => [r.path, r]));
  return new Map(rows.map((r) => [r.path, r.type === 'h' ? { ...byPath.get(r.link)!, path: r.path } : r]));
}

interface Inspect { Config: Record<string, unknown>; RootFS: { Layers: string[] } }
const inspect = async (image: string) => (JSON.parse(await readFile(fixture(`${image}.oracle/docker-inspect.json`), 'utf8')) as Inspect[])[0];

describe('peel diff against Docker\'s own account of the fixtures', () => {
  it('tiny vs multi (built FROM tiny): the changed paths are the difference of the two docker export listings', async () => {
    const { code, doc } = await diffJson([tiny, multi]);
    expect(code).toBe(5);
    expect(doc.format).toBe('peel-diff/1');
    expect(doc.equal).toBe(false);
    const [a, b] = [await exportListing('tiny'), await exportListing('multi')];
    const expected: string[] = [];
    for (const p of new Set([...a.keys(), ...b.keys()])) {
      const [x, y] = [a.get(p), b.get(p)];
      if (!x) expected.push(`/${p} added`);
      else if (!y) expected.push(`/${p} removed`);
      else if (x.type !== y.type) expected.push(`/${p} type`);
      // The listings carry no digests: a same-size edit would go unseen here (tiny→multi has none;
      // the interop test checks those by content).
      else if (x.size !== y.size || x.link !== y.link) expected.push(`/${p} modified`);
      else if (x.mode !== y.mode || x.owner !== y.owner) expected.push(`/${p} metadata`);
    }
    expect(doc.changes.map((c) => `${c.path} ${c.change}`).sort()).toEqual(expected.sort());
    for (const c of doc.changes) {
      const [x, y] = [a.get(c.path.slice(1)), b.get(c.path.slice(1))];
      if (x?.type === '-') expect(c.a?.size).toBe(x.size);
      if (y?.type === '-') expect(c.b?.size).toBe(y.size);
    }
  });

  it('tiny vs multi: layers by diff_id, config and history as docker inspect and docker history give them', async () => {
    const { doc } = await diffJson([tiny, multi]);
    const [ia, ib] = [await inspect('tiny'), await inspect('multi')];
    let shared = 0;
    while (ia.RootFS.Layers[shared] !== undefined && ia.RootFS.Layers[shared] === ib.RootFS.Layers[shared]) shared++;
    expect(doc.layers.shared).toBe(shared);
    expect(doc.layers.onlyB.map((l) => l.diffId)).toEqual(ib.RootFS.Layers.slice(shared));
    expect(doc.layers.text).toBe(`layer 0 identical, then A has none, B has ${ib.RootFS.Layers.length - 1} layers`);

    const envOf = (c: Record<string, unknown>) => new Map((c.Env as string[] ?? []).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const [ea, eb] = [envOf(ia.Config), envOf(ib.Config)];
    const envKeys = [...new Set([...ea.keys(), ...eb.keys()])].filter((k) => ea.get(k) !== eb.get(k)).sort();
    expect(doc.config.filter((c) => c.field === 'Env').map((c) => [c.key, c.a, c.b])).toEqual(envKeys.map((k) => [k, ea.get(k) ?? null, eb.get(k) ?? null]));
    for (const f of ['Cmd', 'Entrypoint', 'WorkingDir']) {
      const [x, y] = [ia.Config[f] || null, ib.Config[f] || null];
      expect(doc.config.filter((c) => c.field === f).map((c) => [c.a, c.b])).toEqual(JSON.stringify(x) === JSON.stringify(y) ? [] : [[x, y]]);
    }
    const labels = Object.entries((ib.Config.Labels ?? {}) as Record<string, string>).filter(([k, v]) => ((ia.Config.Labels ?? {}) as Record<string, string>)[k] !== v);
    expect(doc.config.filter((c) => c.field === 'Labels').map((c) => [c.key, c.b])).toEqual(labels.sort().map(([k, v]) => [k, v]));
    expect(doc.config.filter((c) => c.field === 'ExposedPorts').map((c) => c.key)).toEqual(Object.keys(ib.Config.ExposedPorts as object));

    const steps = async (image: string) => (await readFile(fixture(`${image}.oracle/docker-history-oldest-first.tsv`), 'utf8')).split('\n').filter(Boolean);
    const [ha, hb] = [await steps('tiny'), await steps('multi')];
    expect(doc.history.map((h) => h.status)).toEqual([...ha.map(() => 'same'), ...hb.slice(ha.length).map(() => 'onlyB')]);
  });

  it('the same image from two tools (docker save, skopeo OCI with zstd) is equal: exit 0', async () => {
    const { code, doc } = await diffJson([multi, fixture('multi-oci-zstd.tar'), '--include-mtime']);
    expect([code, doc.equal, doc.changes, doc.config]).toEqual([0, true, [], []]);
    const human = await peel(['diff', multi, fixture('multi-oci-zstd.tar')]);
    expect(human.code).toBe(0);
    expect(human.out).toMatch(/^A: .*\nB: .*\nlayers: layers 0–12 identical: the same layers\nsame: no file or config differs\n/);
  });

  it('--since-layer: the top layer against itself is equal; as of the layer below it, exactly the top layer\'s files', async () => {
    expect((await peel(['diff', multi, '--since-layer', '-1'])).code).toBe(0);
    const { code, doc } = await diffJson([multi, '--since-layer', '-2']);
    expect(code).toBe(5);
    // The top layer's own tar, as GNU tar listed it: its files (the folders above them existed below).
    const top = await readOracle(fixture('multi.oracle/layers/13.tsv'));
    expect(doc.changes.filter((c) => c.b?.type !== 'dir').map((c) => c.path)).toEqual(top.filter((r) => r.type !== 'd').map((r) => `/${r.path}`));
    expect(doc.layers.text).toBe('layers 0–11 identical, then A has none, B has 1 layer');
  });

  it('--stat: one line per changed path with its size change in bytes', async () => {
    const r = await peel(['diff', tiny, multi, '--stat']);
    expect(r.code).toBe(5);
    const { doc } = await diffJson([tiny, multi]);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(doc.changes.length);
    const [a, b] = [await exportListing('tiny'), await exportListing('multi')];
    const passwd = lines.find((l) => l.includes(' /etc/passwd '))!;
    expect(passwd).toMatch(new RegExp(`^M +\\+${b.get('etc/passwd')!.size - a.get('etc/passwd')!.size} +/etc/passwd +${a.get('etc/passwd')!.size} → ${b.get('etc/passwd')!.size}$`));
    expect(lines.find((l) => l.includes(' /var/lib/app/big.bin '))).toMatch(new RegExp(`^A +\\+${b.get('var/lib/app/big.bin')!.size} `));
  });

  it('--path keeps one subtree; a path in neither image is bad input', async () => {
    const { code, doc } = await diffJson([tiny, multi, '--path', '/etc']);
    expect(code).toBe(5);
    expect(doc.changes.length).toBeGreaterThan(0);
    expect([doc.config, doc.history]).toEqual([[], []]);
    expect(doc.changes.every((c) => c.path === '/etc' || c.path.startsWith('/etc/'))).toBe(true);
    expect(doc.folders[0]).toMatchObject({ path: '/', changesBelow: doc.changes.length });
    // /bin is the same in both (multi is built FROM tiny and leaves it alone): only its files count.
    const bin = await diffJson([tiny, multi, '--path', '/bin']);
    expect([bin.code, bin.doc.equal, bin.doc.changes]).toEqual([0, true, []]);
    const none = await peel(['diff', tiny, multi, '--path', '/no/such']);
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('--path /no/such: no such file or folder in either image')]);
  });
});

describe('peel diff --json: the documented peel-diff/1 shape (README)', () => {
  it('has exactly the documented keys at every level', async () => {
    const r = await peel(['diff', tiny, multi, '--json', '--include-mtime']);
    const doc = JSON.parse(r.out) as Record<string, Record<string, unknown> & Array<Record<string, unknown>>>;
    const keys = (o: object) => Object.keys(o).sort();
    expect(keys(doc)).toEqual(['a', 'b', 'changes', 'config', 'equal', 'folders', 'format', 'history', 'includeMtime', 'layers', 'path', 'summary']);
    expect(keys(doc.a)).toEqual(['asOfLayer', 'imageId', 'layers', 'source', 'tags']);
    expect(keys(doc.summary)).toEqual(['added', 'bytes', 'bytesAdded', 'bytesRemoved', 'entries', 'metadata', 'modified', 'mtimeOnly', 'net', 'removed', 'type']);
    expect(keys(doc.summary.modified as object)).toEqual(['bytesA', 'bytesB', 'content', 'count', 'device', 'linkTarget']);
    expect(keys(doc.summary.metadata as object)).toEqual(['count', 'gid', 'mode', 'mtime', 'uid', 'xattrs']);
    expect(keys(doc.layers)).toEqual(['onlyA', 'onlyB', 'shared', 'text']);
    expect(keys((doc.layers.onlyB as unknown as object[])[0])).toEqual(['diffId', 'index', 'size']);
    expect(keys(doc.config[0])).toEqual(['a', 'b', 'field', 'key']);
    expect(keys(doc.history[0])).toEqual(['a', 'b', 'status']);
    expect(keys(doc.history[0].a as object)).toEqual(['comment', 'created', 'createdBy', 'diffId', 'emptyLayer', 'index', 'layer']);
    const change = doc.changes.find((c) => c.a !== null && c.b !== null)!;
    expect(keys(change)).toEqual(['a', 'b', 'change', 'fields', 'mtimeOnly', 'path']);
    expect(keys(change.a as object)).toEqual(['device', 'digest', 'gid', 'linkTarget', 'mode', 'mtime', 'size', 'type', 'uid', 'xattrs']);
    expect(keys(doc.folders[0])).toEqual(['bytesBelowA', 'bytesBelowB', 'changesBelow', 'path']);
    expect(doc.folders[0].path).toBe('/');
  });
});

describe('peel diff: usage and bad input', () => {
  it('its own exit code, 5, is in peel --help, peel diff --help and the README\'s table, and no other command has it', async () => {
    expect((await peel(['--help'])).out).toMatch(/^ {2}5 +diff: the two images differ$/m);
    expect((await peel(['diff', '--help'])).out).toContain('5 when they differ');
    const readme = await readFile(path.join(repoRoot, 'packages/cli/README.md'), 'utf8');
    expect(readme).toMatch(/^\| 5 \| `diff`: the two images differ/m);
    expect(readme.match(/^\| 5 \|/gm)).toHaveLength(1);
  });

  it('usage errors exit 1', async () => {
    for (const args of [[tiny], [tiny, multi, '--since-layer', '0'], [tiny, multi, '--json', '--stat']]) {
      const r = await peel(['diff', ...args]);
      expect([r.code, r.stderr]).toEqual([1, expect.stringContaining('usage: peel diff ')]);
    }
  });

  it('a layer out of range, a missing file and a truncated archive exit 2 as the other commands do', async () => {
    const range = await peel(['diff', tiny, '--since-layer', '5']);
    expect([range.code, range.stderr]).toEqual([2, expect.stringContaining('no layer 5: the image has 1 layer (0..0)')]);
    const missing = await peel(['diff', tiny, 'nope.tar']);
    expect([missing.code, missing.stderr]).toEqual([2, 'peel diff: cannot read nope.tar: no such file\n']);
    const cut = path.join(await tempDir('diff'), 'cut.tar');
    await copyFile(multi, cut);
    await truncate(cut, 300_000);
    const r = await peel(['diff', tiny, cut]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^peel diff: .*cut\.tar: the archive is truncated.*\[TRUNCATED\]\n/);
    expect(r.out).toBe('');
  });
});
