/** `peel tags docker://REPO`: a repository's tags, with what each points at (`--details`). */
import { describeTags, formatReference, isRegistryError, parseRepository, type ImageReference, type TagDescription } from '@peel/registry';
import { defineCommand } from '../command.js';
import { InputError, UsageError } from '../exit-codes.js';
import { humanSize, printable, table } from '../format.js';
import { registryClient } from '../registry-client.js';
import { REGISTRY_PREFIX } from '../registry-source.js';

/** Tags asked for per request; every page is read. */
const PAGE = 100;

export const tagsCommand = defineCommand({
  name: 'tags',
  summary: "a registry repository's tags, with each tag's digest, platforms and size (--details)",
  usage: 'docker://REGISTRY/REPOSITORY [--details] [--json]',
  description: `
Lists every tag of the repository, page by page as the registry gives them. --details reads each
tag's manifest (four at a time): its digest, media type, the platforms of an index, and the bytes
an open downloads (config and layers; for an index, of the image for this host, named in
brackets). A tag whose manifest cannot be read is a warning with the registry's words, and its
row says "unreadable"; the others are listed all the same. Credentials, PEEL_REGISTRY_CA and
PEEL_REGISTRY_INSECURE as for every docker:// source.`,
  positionals: { min: 1, max: 1 },
  options: {
    details: { type: 'boolean', description: "read each tag's manifest: digest, media type, platforms, size" },
    json: { type: 'boolean', description: 'print {repository, tags: [{tag, ref, …}]} as JSON' },
  },
  examples: ['peel tags docker://registry.example:5000/team/app', 'peel tags docker://127.0.0.1:5000/team/app --details --json | jq ".tags[].digest"'],
  async run({ positionals, values }, ctx) {
    const repo = repositoryOf(positionals[0]);
    const base = formatReference({ ...repo, tag: null, digest: null });
    const client = registryClient(ctx.io.env, ctx.io.cwd);
    try {
      const tags: string[] = [];
      let last: string | undefined;
      do {
        const page = await client.tags(repo, { n: PAGE, last }, ctx.signal);
        tags.push(...page.tags);
        last = page.next ?? undefined;
      } while (last !== undefined);
      const described: TagDescription[] | null = values.details ? await describeTags(client, repo, tags, ctx.signal) : null;
      for (const d of described ?? []) if (d.error) ctx.warn(`${base}:${d.tag}: ${messageOf(d.error)}`);
      if (values.json) {
        const items = tags.map((tag, i) => ({ tag, ref: `${base}:${tag}`, ...(described ? jsonDetails(described[i]) : {}) }));
        await ctx.print(JSON.stringify({ repository: base, tags: items }, null, 2));
      } else {
        await ctx.print(render(base, tags, described));
      }
    } catch (e) {
      if (isRegistryError(e)) throw new InputError(`${positionals[0]}: ${e.message} [${e.code}]`, { cause: e });
      throw e;
    } finally {
      client.close();
    }
  },
});

function repositoryOf(source: string): Omit<ImageReference, 'tag' | 'digest'> {
  if (!source.startsWith(REGISTRY_PREFIX)) throw new UsageError(`tags lists a registry repository: docker://REGISTRY/REPOSITORY, not ${JSON.stringify(source)}`);
  try {
    return parseRepository(source.slice(REGISTRY_PREFIX.length));
  } catch (e) {
    if (isRegistryError(e)) throw new UsageError(e.message);
    throw e;
  }
}

const messageOf = (e: unknown): string => (isRegistryError(e) ? `${e.message} [${e.code}]` : (e as Error).message);

function jsonDetails(d: TagDescription) {
  if (d.details) return { ...d.details, error: null };
  return { digest: null, mediaType: null, platforms: null, size: null, sizePlatform: null, error: { code: isRegistryError(d.error) ? d.error.code : 'ERROR', message: messageOf(d.error) } };
}

function render(base: string, tags: string[], described: TagDescription[] | null): string {
  const head = `${base}: ${tags.length} tag${tags.length === 1 ? '' : 's'}`;
  if (tags.length === 0) return head;
  if (!described) return [head, '', ...tags.map(printable)].join('\n');
  const rows = [['TAG', 'DIGEST', 'PLATFORMS', 'SIZE']];
  for (const d of described) {
    const x = d.details;
    if (!x) {
      rows.push([printable(d.tag), 'unreadable', '', '']);
      continue;
    }
    const size = x.size === null ? '-' : `${humanSize(x.size)}${x.sizePlatform ? ` (${x.sizePlatform})` : ''}`;
    rows.push([printable(d.tag), x.digest.slice(0, 19), x.platforms ? x.platforms.join(',') : 'single image', size]);
  }
  return [head, '', table(rows)].join('\n');
}
