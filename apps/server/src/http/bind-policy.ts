import { isIP } from 'node:net';

/** The shortest token accepted for an exposed server (a random one is 32+ characters). */
export const MIN_TOKEN_LENGTH = 24;

/** 127.0.0.0/8, ::1 and localhost: reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return h.slice(7).startsWith('127.');
  return false;
}

/**
 * Peel has no accounts: whoever reaches it can read, upload and delete every image. So it
 * listens beyond loopback only when told to twice, with a switch and a token. Throws otherwise.
 */
export function checkBindPolicy(host: string | undefined, opts: { expose: boolean; token: string | null }): void {
  if (host === undefined || isLoopback(host)) return;
  if (!opts.expose) {
    throw new Error(`refusing to listen on ${host}: Peel has no accounts, so anyone who can reach it could read and delete every image. ` +
      `Listen on 127.0.0.1 (the default), or set PEEL_EXPOSE=1 and PEEL_TOKEN=<a secret of at least ${MIN_TOKEN_LENGTH} characters> (see docs/SECURITY.md)`);
  }
  if (opts.token === null || opts.token.length < MIN_TOKEN_LENGTH) {
    throw new Error(`refusing to listen on ${host} without an access token: set PEEL_TOKEN to a secret of at least ${MIN_TOKEN_LENGTH} characters (e.g. \`openssl rand -hex 24\`)`);
  }
}
