import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Answers a request whose body is still arriving without resetting the connection under the
 * client: closing at once makes the kernel send a reset, and a client still uploading then loses
 * the reply (it sees "connection reset", not our 413). So the rest of the body is read and
 * dropped for at most `ms` after the reply, and only then is the socket closed (a body that
 * ends in time leaves the connection usable).
 */
export function lingerThenClose(req: IncomingMessage, res: ServerResponse, ms = 2000): void {
  res.once('finish', () => {
    const socket = req.socket as Partial<typeof req.socket> | undefined;
    // In-process requests (inject) have no real socket to linger on.
    if (req.complete || typeof socket?.destroy !== 'function') return;
    // What Node does for a body nobody read (IncomingMessage._dump): drop it as it comes.
    req.unpipe();
    req.removeAllListeners('data');
    req.resume();
    const timer = setTimeout(() => {
      if (!req.complete) socket.destroy!();
    }, ms);
    timer.unref();
    req.once('end', () => clearTimeout(timer));
    socket.once?.('close', () => clearTimeout(timer));
  });
}
