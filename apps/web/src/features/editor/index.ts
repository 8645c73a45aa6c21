// The file editor (CodeMirror 6) and the guard that keeps unsaved edits from being left by accident.
export { FileEditor } from './FileEditor.js';
export { guardNavigation } from './leave-guard.js';
