import { useRef } from 'react';
import { Icon } from '../../components/Icon.js';
import { useUpload } from './upload-context.js';

/** "Upload image": opens the file picker; the chosen archive goes straight to the server. */
export function UploadButton({ primary = false }: { primary?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const { state, start } = useUpload();
  const busy = state.status === 'uploading' || state.status === 'processing';
  return (
    <>
      <button type="button" className={primary ? 'button primary' : 'button'} disabled={busy} onClick={() => input.current?.click()}>
        <Icon name="upload" />
        Upload image
      </button>
      <input
        ref={input}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Image archive"
        accept=".tar,.tar.gz,.tgz,.oci,application/x-tar,application/gzip"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) start(file);
        }}
      />
    </>
  );
}
