import { useMemo, useRef } from 'react';
import CodeMirror, { EditorView, keymap, Prec } from '@uiw/react-codemirror';
import { useColorScheme } from '../../app/use-color-scheme.js';
import { codeContrast, languageExtension, type LanguageId } from '../viewer/index.js';

const editorTheme = EditorView.theme({
  '&': { height: '100%', fontSize: '13px' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-gutters': { borderRight: '1px solid var(--border)' },
  '.cm-panels': { fontFamily: 'var(--font)' },
});

interface Props {
  /** The text the editor opens with; later changes of this prop are ignored (the editor owns the text). */
  initial: string;
  language: LanguageId;
  label: string;
  onChange: (text: string) => void;
  /** Ctrl/Cmd+S. */
  onSave: () => void;
}

/**
 * A CodeMirror 6 editor: line numbers, search (Ctrl/Cmd+F), highlighting for the file's type,
 * undo/redo. Bracket closing and completion are off: these are config files, typed exactly.
 */
export function CodeEditor({ initial, language, label, onChange, onSave }: Props) {
  const scheme = useColorScheme();
  const save = useRef(onSave);
  save.current = onSave;
  const extensions = useMemo(
    () => [
      editorTheme,
      ...codeContrast(scheme),
      ...languageExtension(language),
      EditorView.contentAttributes.of({ 'aria-label': label }),
      Prec.highest(keymap.of([{ key: 'Mod-s', preventDefault: true, run: () => (save.current(), true) }])),
    ],
    [language, label, scheme],
  );
  return (
    <CodeMirror
      className="text-view code-editor"
      value={initial}
      height="100%"
      theme={scheme}
      autoFocus
      basicSetup={{ lineNumbers: true, foldGutter: true, highlightActiveLine: true, autocompletion: false, closeBrackets: false, searchKeymap: true, tabSize: 4 }}
      extensions={extensions}
      onChange={onChange}
    />
  );
}
