import { useEffect, useRef, useState } from 'react';
import { useUpload } from './upload-context.js';

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/** Over a folder of the edited tree, a dropped file goes into that folder, not to a new image. */
function overFolder(event: DragEvent): boolean {
  return event.target instanceof Element && event.target.closest('[data-drop-folder]') !== null;
}

/**
 * Accepts an archive dropped anywhere on the page. Listens on the document so every view is a
 * drop target; shows a full-page hint while a file is dragged over (except over the folders of
 * the edited tree, which take dropped files themselves).
 */
export function DropOverlay() {
  const { start } = useUpload();
  const [active, setActive] = useState(false);
  const depth = useRef(0);

  useEffect(() => {
    const enter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth.current += 1;
      setActive(true);
    };
    const over = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      const folder = overFolder(event);
      setActive(!folder);
      if (folder) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const leave = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setActive(false);
    };
    const drop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth.current = 0;
      setActive(false);
      if (overFolder(event)) return;
      const file = event.dataTransfer?.files?.[0];
      if (file) start(file);
    };
    document.addEventListener('dragenter', enter);
    document.addEventListener('dragover', over);
    document.addEventListener('dragleave', leave);
    document.addEventListener('drop', drop);
    return () => {
      document.removeEventListener('dragenter', enter);
      document.removeEventListener('dragover', over);
      document.removeEventListener('dragleave', leave);
      document.removeEventListener('drop', drop);
    };
  }, [start]);

  if (!active) return null;
  return (
    <div className="drop-overlay" aria-hidden="true">
      <div className="drop-overlay-card">
        <div className="drop-overlay-icon">⇣</div>
        <div>Drop the image archive to open it</div>
        <div className="muted">docker save, OCI layout, .tar or .tar.gz</div>
      </div>
    </div>
  );
}
