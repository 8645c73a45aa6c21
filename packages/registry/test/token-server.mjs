#!/usr/bin/env node
/**
 * The token server of the test registries (distribution's `auth.token`), no dependencies: issues
 * RS256 JWTs as the registry checks them (kid = libtrust id of the signing key, aud = service,
 * iss = issuer). Users with their password (Basic auth on GET, or the OAuth2 password / refresh
 * grants on POST) get every action they ask for; anonymous requests get `pull` on repositories
 * under `public/` only; wrong credentials get 401. GET /stats counts the tokens issued.
 * Usage: node token-server.mjs CONFIG.json — prints `listening on PORT` once ready.
 * CONFIG: {key, cert, issuer, service, users: {name: password}, identityTokens: {token: name},
 *          tls?: {key, cert}, port?}
 */
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const key = createPrivateKey(readFileSync(config.key));
const kid = libtrustKeyId(readFileSync(config.cert, 'utf8'));
let issued = 0;

/** sha256 of the SPKI DER, first 30 bytes, base32 without padding, 12 groups of 4 joined by ':'. */
function libtrustKeyId(pem) {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  const bytes = createHash('sha256').update(der).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  let b32 = '';
  for (let i = 0; i < bits.length; i += 5) b32 += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return b32.match(/.{4}/g).join(':');
}

const b64url = (data) => Buffer.from(data).toString('base64url');

function jwt(subject, access) {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'RS256', kid };
  const claims = { iss: config.issuer, sub: subject, aud: config.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`;
}

/** `repository:team/app:pull,push` (several per string, space-separated) → access entries. */
function grant(scopes, user) {
  const access = [];
  for (const scope of scopes.flatMap((s) => s.split(' ')).filter(Boolean)) {
    const parts = scope.split(':');
    if (parts.length < 3) continue;
    const [type, ...rest] = parts;
    const actions = rest.pop().split(',');
    const name = rest.join(':');
    const allowed = user ? actions : name.startsWith('public/') ? actions.filter((a) => a === 'pull') : [];
    access.push({ type, name, actions: allowed });
  }
  return access;
}

function userOf(req, form) {
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Basic ')) {
    const plain = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const cut = plain.indexOf(':');
    const [name, password] = [plain.slice(0, cut), plain.slice(cut + 1)];
    return config.users[name] !== undefined && config.users[name] === password ? name : false;
  }
  if (form?.get('grant_type') === 'password') {
    const name = form.get('username');
    return config.users[name] !== undefined && config.users[name] === form.get('password') ? name : false;
  }
  if (form?.get('grant_type') === 'refresh_token') return config.identityTokens?.[form.get('refresh_token')] ?? false;
  return null;
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://token');
  if (url.pathname === '/stats') return reply(res, 200, { issued });
  if (url.pathname !== '/token') return reply(res, 404, { error: 'not found' });
  let form = null;
  let scopes = url.searchParams.getAll('scope');
  if (req.method === 'POST') {
    let body = '';
    for await (const chunk of req) body += chunk;
    form = new URLSearchParams(body);
    scopes = (form.get('scope') ?? '').split(' ');
  }
  const user = userOf(req, form);
  if (user === false) return reply(res, 401, { error: 'invalid credentials' });
  const token = jwt(user ?? '', grant(scopes, user));
  issued++;
  reply(res, 200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
}

function reply(res, status, json) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(json));
}

const listener = (req, res) => handle(req, res).catch((e) => { res.statusCode = 500; res.end(String(e)); });
const server = config.tls
  ? https.createServer({ key: readFileSync(config.tls.key), cert: readFileSync(config.tls.cert) }, listener)
  : http.createServer(listener);
server.listen(config.port ?? 0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
