/**
 * Splits a command line into arguments the way a POSIX shell reads words: whitespace separates,
 * single quotes keep everything, double quotes keep all but `\"` and `\\`, a backslash outside
 * quotes escapes the next character. No expansion of any kind: `$HOME` stays `$HOME`.
 */
export function splitWords(line: string): { words: string[] } | { error: string } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return { error: 'The line ends with a lone backslash.' };
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return { error: `A ${quote === "'" ? 'single' : 'double'} quote is not closed.` };
  if (inWord) words.push(word);
  return { words };
}

/** Quotes one argument as a shell word, only when it needs it. */
export function quoteWord(arg: string): string {
  if (arg !== '' && /^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'"'"'`)}'`;
}

/** The inverse of splitWords: `["sh", "-c", "echo hi"]` → `sh -c 'echo hi'`. */
export function joinWords(words: readonly string[]): string {
  return words.map(quoteWord).join(' ');
}
