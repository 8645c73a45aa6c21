import { EditorView, Prec, type Extension } from '@uiw/react-codemirror';

/**
 * CodeMirror's dark theme draws comments and line numbers in #7d8799 on #282c34 (3.9:1, below the
 * 4.5:1 that small text needs); on the page's own darker background the same colours pass, and the
 * editor sits flush with the page. Highest precedence, so it wins over the theme it adjusts.
 */
const darkBackground = Prec.highest(
  EditorView.theme(
    {
      '&': { backgroundColor: 'var(--bg)' },
      '.cm-gutters': { backgroundColor: 'var(--bg)' },
    },
    { dark: true },
  ),
);

/** The extensions that keep code views readable in the given colour scheme. */
export function codeContrast(scheme: 'light' | 'dark'): Extension[] {
  return scheme === 'dark' ? [darkBackground] : [];
}
