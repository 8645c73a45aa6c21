import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { ImageDetail } from '@peel/api';
import { useDraft } from '../draft/api/get-draft.js';
import { ExportDialog } from './ExportDialog.js';

const ExportDialogContext = createContext<{ open: () => void } | null>(null);

/** Holds the export dialog of an image page, so the header and the draft panel can open it. */
export function ExportDialogProvider({ image, children }: { image: ImageDetail; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const draft = useDraft(image.id);
  const api = useMemo(() => ({ open: () => setOpen(true) }), []);
  return (
    <ExportDialogContext.Provider value={api}>
      {children}
      {open ? <ExportDialog image={image} draft={draft.data} onClose={() => setOpen(false)} /> : null}
    </ExportDialogContext.Provider>
  );
}

export function useExportDialog(): { open: () => void } {
  const api = useContext(ExportDialogContext);
  if (!api) throw new Error('useExportDialog must be used inside <ExportDialogProvider>');
  return api;
}
