import { useMemo } from 'react';
import CodeMirror, { EditorView } from '@uiw/react-codemirror';
import { useColorScheme } from '../../app/use-color-scheme.js';
import { codeContrast } from './code-theme.js';
import { languageExtension } from './language.js';
import type { LanguageId } from './language-id.js';

const baseTheme = EditorView.theme({
  '&': { height: '100%', fontSize: '13px' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-gutters': { borderRight: '1px solid var(--border)' },
});

/**
 * Read-only text with line numbers and highlighting; CodeMirror only renders what is visible. The
 * text takes keyboard focus (read-only CodeMirror content does not by default), so a long file
 * scrolls with the arrow and page keys too.
 */
export function TextView({ text, language, label }: { text: string; language: LanguageId; label: string }) {
  const scheme = useColorScheme();
  const extensions = useMemo(
    () => [baseTheme, ...codeContrast(scheme), EditorView.lineWrapping, ...languageExtension(language), EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' })],
    [scheme, language, label],
  );
  return (
    <CodeMirror
      className="text-view"
      value={text}
      height="100%"
      theme={scheme}
      readOnly
      editable={false}
      basicSetup={{ lineNumbers: true, foldGutter: true, highlightActiveLine: false, highlightActiveLineGutter: false, autocompletion: false, searchKeymap: true }}
      extensions={extensions}
    />
  );
}
