/** Languages the viewer can highlight. */
export type LanguageId =
  | 'json' | 'javascript' | 'typescript' | 'python' | 'markdown' | 'yaml' | 'shell' | 'dockerfile'
  | 'toml' | 'properties' | 'nginx' | 'xml' | 'css' | 'go' | 'rust' | 'c' | 'lua' | 'ruby' | 'perl'
  | 'sql' | 'diff' | 'text';

const BY_EXTENSION: Record<string, LanguageId> = {
  json: 'json', jsonc: 'json', map: 'json',
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript',
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  py: 'python', pyi: 'python',
  md: 'markdown', markdown: 'markdown',
  yaml: 'yaml', yml: 'yaml',
  sh: 'shell', bash: 'shell', zsh: 'shell', ash: 'shell', profile: 'shell', bashrc: 'shell',
  toml: 'toml',
  ini: 'properties', cfg: 'properties', conf: 'properties', properties: 'properties', env: 'properties', cnf: 'properties',
  xml: 'xml', html: 'xml', htm: 'xml', svg: 'xml', xhtml: 'xml', plist: 'xml',
  css: 'css', scss: 'css', less: 'css',
  go: 'go', rs: 'rust',
  c: 'c', h: 'c', cc: 'c', cpp: 'c', hpp: 'c', cxx: 'c', java: 'c',
  lua: 'lua', rb: 'ruby', pl: 'perl', pm: 'perl', sql: 'sql',
  diff: 'diff', patch: 'diff',
};

const BY_NAME: Record<string, LanguageId> = {
  dockerfile: 'dockerfile', containerfile: 'dockerfile',
  'os-release': 'properties', 'lsb-release': 'properties', '.env': 'properties',
  'nginx.conf': 'nginx', '.bashrc': 'shell', '.profile': 'shell', profile: 'shell', 'docker-entrypoint.sh': 'shell',
  gemfile: 'ruby', rakefile: 'ruby', 'go.mod': 'go', 'cargo.lock': 'toml', 'pipfile': 'toml',
};

const BY_INTERPRETER: Array<[RegExp, LanguageId]> = [
  [/\b(?:ba|da|a|z|k)?sh\b/, 'shell'],
  [/\bpython[\d.]*\b/, 'python'],
  [/\b(?:node|deno|bun)\b/, 'javascript'],
  [/\bruby\b/, 'ruby'],
  [/\bperl\b/, 'perl'],
  [/\blua\b/, 'lua'],
];

/**
 * Picks a highlighting language from the file name, falling back to the `#!` line, so
 * `/usr/local/bin/docker-entrypoint.sh`, `Dockerfile` and extension-less scripts read well.
 */
export function languageIdFor(fileName: string, firstLine = ''): LanguageId {
  const name = fileName.toLowerCase();
  if (BY_NAME[name]) return BY_NAME[name];
  if (name.startsWith('dockerfile.') || name.endsWith('.dockerfile')) return 'dockerfile';
  if (name.startsWith('.env.')) return 'properties';
  const dot = name.lastIndexOf('.');
  if (dot > 0 || (dot === 0 && name.length > 1)) {
    const byExt = BY_EXTENSION[name.slice(dot + 1)];
    if (byExt) return byExt;
  }
  if (firstLine.startsWith('#!')) {
    for (const [pattern, id] of BY_INTERPRETER) if (pattern.test(firstLine)) return id;
  }
  const trimmed = firstLine.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[{')) return 'json';
  if (trimmed.startsWith('<?xml')) return 'xml';
  return 'text';
}
