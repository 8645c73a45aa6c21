import type { WebSocket } from 'ws';
import type { DockerAttachControl, DockerAttachEvent } from '@peel/api';
import type { Attachment } from './runs.js';

/** Output queued for a slow browser before the container's output is paused. */
const HIGH_WATER = 4 * 1024 * 1024;

/**
 * Joins a browser terminal to a container's TTY: binary frames both ways carry the bytes, text
 * frames carry control (resize from the browser, the exit to it). When either side ends, the
 * other does: the container exiting closes the socket; the socket closing stops the container.
 */
export function bridgeTerminal(socket: WebSocket, attachment: Attachment, onError: (err: Error) => void): void {
  const { stream } = attachment;
  let open = true;

  stream.on('data', (chunk: Buffer) => {
    if (!open) return;
    socket.send(chunk, { binary: true });
    if (socket.bufferedAmount > HIGH_WATER) {
      stream.pause();
      socket.send('', { binary: true }, () => stream.resume());
    }
  });
  stream.on('error', onError);

  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) {
      stream.write(data);
      return;
    }
    const control = parseControl(data.toString('utf8'));
    if (control?.type === 'resize') attachment.resize(control.cols, control.rows).catch(onError);
  });

  socket.on('close', () => {
    open = false;
    stream.destroy();
    attachment.detach().catch(onError);
  });

  void attachment.finished.then((run) => {
    if (!open) return;
    const event: DockerAttachEvent = { type: 'exit', exitCode: run.exitCode, state: run.state };
    socket.send(JSON.stringify(event));
    socket.close(1000, 'the container exited');
  });
}

function parseControl(text: string): DockerAttachControl | null {
  try {
    const msg = JSON.parse(text) as Partial<DockerAttachControl>;
    const size = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 1000;
    if (msg.type === 'resize' && size(msg.cols) && size(msg.rows)) return msg as DockerAttachControl;
  } catch {
    // Not JSON: ignored, like any unknown control.
  }
  return null;
}
