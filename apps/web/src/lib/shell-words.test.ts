import { describe, expect, it } from 'vitest';
import { joinWords, splitWords } from './shell-words.js';

describe('splitWords', () => {
  it('splits on whitespace and keeps quoted text whole', () => {
    expect(splitWords('cat /etc/os-release')).toEqual({ words: ['cat', '/etc/os-release'] });
    expect(splitWords(`  sh -c 'echo "hi there"'  `)).toEqual({ words: ['sh', '-c', 'echo "hi there"'] });
    expect(splitWords(`echo "a \\"b\\" \\\\ c" d\\ e`)).toEqual({ words: ['echo', 'a "b" \\ c', 'd e'] });
    expect(splitWords(`'' x`)).toEqual({ words: ['', 'x'] });
    expect(splitWords('echo $HOME')).toEqual({ words: ['echo', '$HOME'] });
  });
  it('reports unclosed quotes instead of guessing', () => {
    expect(splitWords(`echo 'oops`)).toEqual({ error: 'A single quote is not closed.' });
    expect(splitWords('echo "oops')).toEqual({ error: 'A double quote is not closed.' });
    expect(splitWords('echo \\')).toHaveProperty('error');
  });
  it('round-trips through joinWords', () => {
    const cases = [['cat', '/etc/os-release'], ['sh', '-c', "echo 'quoted' && ls -la"], ['', 'x y', 'it\'s'], ['--flag=value', '$HOME']];
    for (const words of cases) expect(splitWords(joinWords(words))).toEqual({ words });
  });
});
