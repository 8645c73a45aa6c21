import { createHash } from 'node:crypto';

/**
 * A `docker save` archive built here for the hostile browser tests: files whose content would
 * run script if a browser ever rendered it in Peel's origin, names and config values that are
 * HTML. Every payload reports itself three ways: alert(), localStorage and a request to
 * /api/__pwned/<kind>, so a test can see it from outside the page.
 */
export const PWNED = '__pwned';

const beacon = (kind: string) => `alert('${kind}');try{localStorage.setItem('pwned','${kind}')}catch(e){};fetch('/api/${PWNED}/${kind}');new Image().src='/api/${PWNED}/img-${kind}'`;

export const EVIL_FILES: Record<string, string> = {
  'www/evil.html': `<!doctype html><title>x</title><script>${beacon('html')}</script><img src=x onerror="${beacon('html-onerror')}">`,
  'www/evil.svg': `<svg xmlns="http://www.w3.org/2000/svg" onload="${beacon('svg-onload')}"><script>${beacon('svg')}</script></svg>`,
  'www/evil.js': `${beacon('js')}\n`,
  // HTML under a raster name: served as image/png with nosniff, so never sniffed into HTML.
  'www/evil.png': `<html><script>${beacon('png')}</script></html>`,
  'www/evil.xhtml': `<html xmlns="http://www.w3.org/1999/xhtml"><script>${beacon('xhtml')}</script></html>`,
};

/** Names that are markup (a component cannot hold '/', so the closing tags are left out). */
export const EVIL_NAMES = [
  `names/<img src=x onerror=alert('name')>.txt`,
  `names/<script>alert('name2')<`,
  `names/"><svg onload=alert('name3')>`,
  `names/{{constructor.constructor('alert(4)')()}}`,
];

export const EVIL_CONFIG = {
  label: `<img src=x onerror="alert('label')">`,
  env: `EVIL=<script>alert('env')</script>`,
  cmd: `<iframe src="javascript:alert('cmd')">`,
  history: `/bin/sh -c #(nop) <img src=x onerror=alert('history')>`,
};

function header(name: string, size: number, type: '0' | '5'): Buffer {
  const b = Buffer.alloc(512);
  const nameBytes = Buffer.from(name);
  if (nameBytes.length > 100) throw new Error(`name too long for this writer: ${name}`);
  nameBytes.copy(b, 0);
  b.write(`${(type === '5' ? 0o755 : 0o644).toString(8).padStart(7, '0')}\0`, 100, 'latin1');
  b.write('0000000\0', 108, 'latin1');
  b.write('0000000\0', 116, 'latin1');
  b.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  b.write(`${(1_704_067_200).toString(8).padStart(11, '0')}\0`, 136, 'latin1');
  b.fill(0x20, 148, 156);
  b.write(type, 156, 'latin1');
  b.write('ustar\x0000', 257, 'latin1');
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}

function tar(entries: Array<{ name: string; data?: Buffer | string; dir?: boolean }>): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '');
    parts.push(header(e.dir ? `${e.name}/` : e.name, data.length, e.dir ? '5' : '0'), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** An image whose config nests an array 500 levels deep (the engine reads up to 512). */
export function deepConfigImage(): Buffer {
  const layer = tar([{ name: 'etc', dir: true }, { name: 'etc/os-release', data: 'ID=deep\n' }]);
  const deep = `${'['.repeat(500)}${']'.repeat(500)}`;
  const config = Buffer.from(`{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/sh"],"Healthcheck":{"Test":${deep}}},"rootfs":{"type":"layers","diff_ids":["sha256:${sha(layer)}"]},"history":[{"created_by":"deep"}]}`);
  const configName = `${sha(config)}.json`;
  const manifest = JSON.stringify([{ Config: configName, RepoTags: ['hostile/deep:1'], Layers: ['layer/layer.tar'] }]);
  return tar([{ name: configName, data: config }, { name: 'layer', dir: true }, { name: 'layer/layer.tar', data: layer }, { name: 'manifest.json', data: manifest }]);
}

export function hostileImage(): Buffer {
  const layer = tar([
    { name: 'www', dir: true },
    ...Object.entries(EVIL_FILES).map(([name, data]) => ({ name, data })),
    { name: 'names', dir: true },
    ...EVIL_NAMES.map((name) => ({ name, data: 'a file with a hostile name\n' })),
  ]);
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    created: '2024-01-01T00:00:00Z',
    config: { Env: ['PATH=/usr/bin', EVIL_CONFIG.env], Cmd: ['/bin/sh', '-c', EVIL_CONFIG.cmd], Labels: { [EVIL_CONFIG.label]: EVIL_CONFIG.label }, WorkingDir: '<b>bold</b>' },
    rootfs: { type: 'layers', diff_ids: [`sha256:${sha(layer)}`] },
    history: [{ created: '2024-01-01T00:00:00Z', created_by: EVIL_CONFIG.history }],
  }));
  const configName = `${sha(config)}.json`;
  const manifest = JSON.stringify([{ Config: configName, RepoTags: ['hostile/xss:<b>1</b>'], Layers: ['layer/layer.tar'] }]);
  return tar([{ name: configName, data: config }, { name: 'layer', dir: true }, { name: 'layer/layer.tar', data: layer }, { name: 'manifest.json', data: manifest }]);
}
