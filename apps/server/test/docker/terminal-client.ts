/** A terminal the way the browser opens one: a websocket to a TTY run, keystrokes as binary frames. */
import WebSocket from 'ws';
import type { DockerAttachEvent } from '@peel/api';

export interface TestTerminal {
  type(text: string): void;
  /** Everything the container wrote so far. */
  text(): string;
  waitFor(needle: string, ms?: number): Promise<void>;
  close(): Promise<void>;
  /** Resolves when the server closes the socket, with the exit event it sent. */
  closed: Promise<{ code: number; exit: DockerAttachEvent | null }>;
}

export interface TerminalOptions {
  cols?: number;
  rows?: number;
  /** The Origin header (null: none); default: the server's own origin. */
  origin?: string | null;
  /** The Host header; default: the server's. */
  host?: string;
}

/** Opens the attach websocket; rejects with the HTTP status when the server refuses the upgrade. */
export function openTerminal(base: string, runId: string, opts: TerminalOptions = {}): Promise<TestTerminal> {
  const url = new URL(`/api/docker/runs/${runId}/attach`, base.replace(/^http/, 'ws'));
  if (opts.cols) url.searchParams.set('cols', String(opts.cols));
  if (opts.rows) url.searchParams.set('rows', String(opts.rows));
  const headers: Record<string, string> = {};
  if (opts.host) headers.host = opts.host;
  const origin = opts.origin === undefined ? base : opts.origin;
  const ws = new WebSocket(url, { headers, ...(origin === null ? {} : { origin }) });
  let output = '';
  let exit: DockerAttachEvent | null = null;
  const waiters = new Set<() => void>();
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) output += data.toString('utf8');
    else exit = JSON.parse(data.toString('utf8')) as DockerAttachEvent;
    for (const w of waiters) w();
  });
  const closed = new Promise<{ code: number; exit: DockerAttachEvent | null }>((resolve) => ws.once('close', (code) => resolve({ code, exit })));
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`the server refused the terminal: ${res.statusCode}`));
      res.resume();
      ws.terminate();
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        type: (text) => ws.send(Buffer.from(text, 'utf8'), { binary: true }),
        text: () => output,
        waitFor: (needle, ms = 15_000) =>
          new Promise<void>((done, fail) => {
            const check = () => {
              if (!output.includes(needle)) return;
              waiters.delete(check);
              clearTimeout(timer);
              done();
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`terminal never showed ${JSON.stringify(needle)}; it shows ${JSON.stringify(output.slice(-500))}`));
            }, ms);
            waiters.add(check);
            check();
          }),
        close: async () => {
          ws.close(1000);
          await closed;
        },
        closed,
      }),
    );
  });
}
