/**
 * Exit codes, stable for scripts (documented in the README). Everything a command fails with is a
 * CliError carrying one of them; anything else escaping a command is a bug (INTERNAL).
 */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** Bad command line: unknown command or flag, missing or malformed argument. */
  usage: 1,
  /** Bad input: the archive is not a readable image, a path or layer does not exist, an edit is impossible. */
  input: 2,
  /** `findings --fail-on`: the image has findings over the given thresholds. */
  findings: 3,
  /** The output could not be written (disk full, permissions, DIR not empty…). */
  output: 4,
  /** `diff`: the two sides differ (files or config). */
  different: 5,
  /** A bug in peel: the message and stack are printed. */
  internal: 70,
  /** Interrupted by SIGINT/SIGTERM. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(readonly exitCode: ExitCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** A wrong command line; the command's usage line is printed after the message. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(EXIT.usage, message);
    this.name = 'UsageError';
  }
}

/** Input that cannot be used as asked: no such path, layer or file, a malformed value. */
export class InputError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(EXIT.input, message, options);
    this.name = 'InputError';
  }
}

/** A destination that cannot be written. */
export class OutputError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(EXIT.output, message, options);
    this.name = 'OutputError';
  }
}
