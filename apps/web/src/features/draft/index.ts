// The image's draft: reading it, the edits (files, folders, config, name), and the Draft tab.
export { DraftPage } from './DraftPage.js';
export { EntryActions } from './EntryActions.js';
export { FolderActions } from './FolderActions.js';
export { useUploadInto } from './use-upload-into.js';
export { pendingCount } from './describe-op.js';
export { useDraft, useDraftStamp } from './api/get-draft.js';
export { useDeleteFromEveryLayer } from './api/delete-path.js';
export { usePatchConfig } from './api/patch-config.js';
export { useSetTag } from './api/set-tag.js';
export { useWriteFile } from './api/write-file.js';
