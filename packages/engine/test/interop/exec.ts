/**
 * Runs the external tools the interop suite drives (docker, skopeo, umoci, GNU tar) with
 * execFile: no shell, arguments passed verbatim (names with spaces and unicode stay intact).
 * A failure throws a ToolError that names the command and carries its stderr.
 */
import { execFile } from 'node:child_process';

export class ToolError extends Error {
  readonly code = 'TOOL_FAILED';
  constructor(
    readonly command: string,
    readonly exitCode: number | string | null,
    readonly stderr: string,
  ) {
    super(`${command} failed (exit ${exitCode ?? 'signal'}): ${stderr.trim() || '(no stderr)'}`);
    this.name = 'ToolError';
  }
}

export interface RunOptions {
  /** Extra environment (merged over process.env), e.g. DOCKER_HOST. */
  env?: Record<string, string>;
  cwd?: string;
  /** Largest stdout accepted, in bytes (default 64 MiB). */
  maxBuffer?: number;
}

/** Runs `cmd args…` and resolves with its stdout bytes; rejects with a ToolError. */
export function run(cmd: string, args: string[], options: RunOptions = {}): Promise<Buffer> {
  const shown = [cmd, ...args.map((a) => (/^[\w./:=@+-]+$/.test(a) ? a : JSON.stringify(a)))].join(' ');
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        encoding: 'buffer',
        env: { ...process.env, ...options.env },
        cwd: options.cwd,
        maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException & { code?: number | string }).code ?? null;
          reject(new ToolError(shown, code, stderr.toString('utf8') || error.message));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/** Runs a tool and returns its stdout as UTF-8 text. */
export async function runText(cmd: string, args: string[], options: RunOptions = {}): Promise<string> {
  return (await run(cmd, args, options)).toString('utf8');
}

/** A docker CLI bound to one daemon (our private dockerd). */
export function dockerCli(dockerHost: string) {
  const env = { DOCKER_HOST: dockerHost, DOCKER_BUILDKIT: '0', DOCKER_CLI_HINTS: 'false' };
  return {
    run: (args: string[], options: RunOptions = {}) => run('docker', args, { ...options, env: { ...env, ...options.env } }),
    text: (args: string[], options: RunOptions = {}) => runText('docker', args, { ...options, env: { ...env, ...options.env } }),
  };
}
export type DockerCli = ReturnType<typeof dockerCli>;
