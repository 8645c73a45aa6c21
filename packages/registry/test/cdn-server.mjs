#!/usr/bin/env node
/**
 * The "CDN" of the test registry in cdn mode: serves the registry's storage folder over plain
 * HTTP (GET and HEAD), where distribution's `redirect` storage middleware sends blob requests.
 * GET /__stats tells how many requests came and how many carried an Authorization header (a
 * client must not forward the registry's credentials here).
 * Usage: node cdn-server.mjs ROOT — prints `listening on PORT` once ready.
 */
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const root = path.resolve(process.argv[2]);
const stats = { requests: 0, withAuthorization: 0 };

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://cdn');
  if (url.pathname === '/__stats') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
  stats.requests++;
  if (req.headers.authorization) stats.withAuthorization++;
  const file = path.resolve(root, `.${decodeURIComponent(url.pathname)}`);
  if ((req.method !== 'GET' && req.method !== 'HEAD') || !file.startsWith(`${root}${path.sep}`)) return res.writeHead(404).end();
  let size;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    return res.writeHead(404).end();
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
});
server.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
