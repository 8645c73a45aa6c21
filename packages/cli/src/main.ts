/**
 * The `peel` process: binds runCli to the real stdin/stdout/stderr, turns Ctrl-C into a clean
 * stop (temp store removed, exit 130; a second Ctrl-C exits at once) and sets the exit code.
 */
import { runCli } from './cli.js';
import { EXIT } from './exit-codes.js';

const controller = new AbortController();
let signals = 0;
const onSignal = () => {
  if (++signals > 1) process.exit(EXIT.interrupted);
  controller.abort();
  // A step that does not watch the signal gets 3 s; the exit hook still removes the temp store.
  setTimeout(() => process.exit(EXIT.interrupted), 3000).unref();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// `peel cat … | head`: a closed pipe is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(EXIT.ok);
});

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  stderrIsTTY: process.stderr.isTTY === true,
}, controller.signal);
process.exitCode = code;
// A partly read stdin pipe must not keep the process alive.
if (process.stdin.readableFlowing !== null) process.stdin.destroy();
