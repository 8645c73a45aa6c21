import { useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import type { DockerAttachEvent } from '@peel/api';
import { attachUrl } from './api/runs.js';
import '@xterm/xterm/css/xterm.css';

type Link = 'connecting' | 'open' | 'closed';

/**
 * The container's TTY in xterm.js over the attach websocket: keystrokes go out as binary
 * frames, output comes back as binary frames, resizes as text. Opening it starts the container;
 * closing it (leaving the page, closing the tab) stops it.
 */
export function TerminalView({ runId, onExit }: { runId: string; onExit: (event: DockerAttachEvent | null) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const exitRef = useRef(onExit);
  exitRef.current = onExit;
  const [link, setLink] = useState<Link>('connecting');

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const term = new Terminal({ cursorBlink: true, fontSize: 13, fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', scrollback: 5000 });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(element);
    fit.fit();
    let socket: WebSocket | null = null;
    let exit: DockerAttachEvent | null = null;
    const encoder = new TextEncoder();
    // Connect on the next tick: React's development double mount must not start (and at once
    // stop) the container with a socket it throws away.
    const connect = setTimeout(() => {
      const ws = new WebSocket(attachUrl(runId, { cols: term.cols, rows: term.rows }));
      socket = ws;
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => {
        setLink('open');
        term.focus();
      };
      ws.onmessage = (event) => {
        if (typeof event.data === 'string') exit = JSON.parse(event.data) as DockerAttachEvent;
        else term.write(new Uint8Array(event.data as ArrayBuffer));
      };
      ws.onclose = () => {
        setLink('closed');
        term.write(`\r\n\x1b[2m[${exit ? `exited with code ${exit.exitCode ?? '?'}` : 'disconnected'}]\x1b[0m\r\n`);
        exitRef.current(exit);
      };
    }, 0);
    const input = term.onData((data) => {
      if (socket?.readyState === WebSocket.OPEN) socket.send(encoder.encode(data));
    });
    const resize = term.onResize(({ cols, rows }) => {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'resize', cols, rows }));
    });
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(element);
    return () => {
      clearTimeout(connect);
      observer.disconnect();
      input.dispose();
      resize.dispose();
      if (socket) {
        socket.onclose = null;
        socket.close();
      }
      term.dispose();
    };
  }, [runId]);

  return (
    <div className="terminal-frame">
      <div className="terminal-status muted small" role="status">
        {link === 'connecting' ? 'Connecting…' : link === 'open' ? 'Connected: type into the terminal' : 'The terminal is closed'}
      </div>
      <div ref={host} className="terminal-host" data-testid="terminal" />
    </div>
  );
}
