import { StreamLanguage } from '@codemirror/language';
import { json } from '@codemirror/lang-json';
import { javascript } from '@codemirror/lang-javascript';
import { python } from '@codemirror/lang-python';
import { markdown } from '@codemirror/lang-markdown';
import { yaml } from '@codemirror/lang-yaml';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { dockerFile } from '@codemirror/legacy-modes/mode/dockerfile';
import { toml } from '@codemirror/legacy-modes/mode/toml';
import { properties } from '@codemirror/legacy-modes/mode/properties';
import { nginx } from '@codemirror/legacy-modes/mode/nginx';
import { xml } from '@codemirror/legacy-modes/mode/xml';
import { css } from '@codemirror/legacy-modes/mode/css';
import { go } from '@codemirror/legacy-modes/mode/go';
import { rust } from '@codemirror/legacy-modes/mode/rust';
import { c } from '@codemirror/legacy-modes/mode/clike';
import { lua } from '@codemirror/legacy-modes/mode/lua';
import { ruby } from '@codemirror/legacy-modes/mode/ruby';
import { perl } from '@codemirror/legacy-modes/mode/perl';
import { standardSQL } from '@codemirror/legacy-modes/mode/sql';
import { diff } from '@codemirror/legacy-modes/mode/diff';
import type { Extension } from '@uiw/react-codemirror';
import type { LanguageId } from './language-id.js';

/** The CodeMirror extension that highlights a language (none for plain text). */
export function languageExtension(id: LanguageId): Extension[] {
  switch (id) {
    case 'json': return [json()];
    case 'javascript': return [javascript({ jsx: true })];
    case 'typescript': return [javascript({ typescript: true, jsx: true })];
    case 'python': return [python()];
    case 'markdown': return [markdown()];
    case 'yaml': return [yaml()];
    case 'shell': return [StreamLanguage.define(shell)];
    case 'dockerfile': return [StreamLanguage.define(dockerFile)];
    case 'toml': return [StreamLanguage.define(toml)];
    case 'properties': return [StreamLanguage.define(properties)];
    case 'nginx': return [StreamLanguage.define(nginx)];
    case 'xml': return [StreamLanguage.define(xml)];
    case 'css': return [StreamLanguage.define(css)];
    case 'go': return [StreamLanguage.define(go)];
    case 'rust': return [StreamLanguage.define(rust)];
    case 'c': return [StreamLanguage.define(c)];
    case 'lua': return [StreamLanguage.define(lua)];
    case 'ruby': return [StreamLanguage.define(ruby)];
    case 'perl': return [StreamLanguage.define(perl)];
    case 'sql': return [StreamLanguage.define(standardSQL)];
    case 'diff': return [StreamLanguage.define(diff)];
    case 'text': return [];
  }
}

/** A short label for the language picker and the status line. */
export const LANGUAGE_LABELS: Record<LanguageId, string> = {
  json: 'JSON', javascript: 'JavaScript', typescript: 'TypeScript', python: 'Python', markdown: 'Markdown',
  yaml: 'YAML', shell: 'Shell', dockerfile: 'Dockerfile', toml: 'TOML', properties: 'Properties', nginx: 'nginx',
  xml: 'XML/HTML', css: 'CSS', go: 'Go', rust: 'Rust', c: 'C/C++', lua: 'Lua', ruby: 'Ruby', perl: 'Perl',
  sql: 'SQL', diff: 'Diff', text: 'Plain text',
};
