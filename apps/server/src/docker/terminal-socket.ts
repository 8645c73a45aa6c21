import type { WebSocket } from 'ws';
import type { DockerAttachControl, DockerAttachEvent } from '@peel/api';
import type { Attachment } from './runs.js';

/** Output queued for a slow browser before the container's output is paused. */
const HIGH_WATER = 4 * 1024 * 1024;

/**
 * Joins a browser terminal to a container's TTY: binary frames both ways carry the bytes, text
 * frames carry control (resize from the browser, the exit to it). When either side ends, the
 * other does: the container exiting closes the socket; the socket closing stops the container.
 * The socket is listened to at once: keystrokes sent while the container starts are kept.
 */
export function bridgeTerminal(socket: WebSocket, attaching: Promise<Attachment>, onError: (err: Error) => void): void {
  let attachment: Attachment | null = null;
  let open = true;
  const early: Array<{ data: Buffer; isBinary: boolean }> = [];

  const onMessage = (data: Buffer, isBinary: boolean) => {
    if (!attachment) {
      early.push({ data, isBinary });
      return;
    }
    if (isBinary) {
      attachment.stream.write(data);
      return;
    }
    const control = parseControl(data.toString('utf8'));
    if (control?.type === 'resize') attachment.resize(control.cols, control.rows).catch(onError);
  };
  socket.on('message', onMessage);
  socket.on('close', () => {
    open = false;
    if (!attachment) return;
    attachment.stream.destroy();
    attachment.detach().catch(onError);
  });

  attaching.then(
    (a) => {
      attachment = a;
      a.stream.on('error', onError);
      if (!open) {
        a.stream.destroy();
        a.detach().catch(onError);
        return;
      }
      a.stream.on('data', (chunk: Buffer) => {
        if (!open) return;
        socket.send(chunk, { binary: true });
        if (socket.bufferedAmount > HIGH_WATER) {
          a.stream.pause();
          socket.send(Buffer.alloc(0), { binary: true }, () => a.stream.resume());
        }
      });
      for (const m of early.splice(0)) onMessage(m.data, m.isBinary);
      void a.finished.then((run) => {
        if (!open) return;
        const event: DockerAttachEvent = { type: 'exit', exitCode: run.exitCode, state: run.state };
        socket.send(JSON.stringify(event));
        socket.close(1000, 'the container exited');
      });
    },
    (err: Error) => {
      onError(err);
      if (open) socket.close(1011, err.message.slice(0, 120));
    },
  );
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
