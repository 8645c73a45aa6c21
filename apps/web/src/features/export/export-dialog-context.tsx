import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { DraftState, ImageDetail } from '@peel/api';
import { ExportDialog } from './ExportDialog.js';

interface ExportDialogApi {
  open: () => void;
  /** How many changes the draft holds, for the header's "N pending changes". */
  pending: number;
}

const ExportDialogContext = createContext<ExportDialogApi | null>(null);

/**
 * Holds the export dialog of an image page, so the header and the draft panel can open it. The
 * page frame hands over the draft it already reads (and its count), so an export needs nothing
 * from the draft feature and the Draft tab can offer Export.
 */
export function ExportDialogProvider({ image, draft, pending, children }: { image: ImageDetail; draft: DraftState | undefined; pending: number; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const api = useMemo(() => ({ open: () => setOpen(true), pending }), [pending]);
  return (
    <ExportDialogContext.Provider value={api}>
      {children}
      {open ? <ExportDialog image={image} draft={draft} pending={pending} onClose={() => setOpen(false)} /> : null}
    </ExportDialogContext.Provider>
  );
}

export function useExportDialog(): ExportDialogApi {
  const api = useContext(ExportDialogContext);
  if (!api) throw new Error('useExportDialog must be used inside <ExportDialogProvider>');
  return api;
}
