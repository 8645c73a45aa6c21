import { countLines } from './read-text.js';
import type { LineDetector } from './detector.js';
import { FAMILY, type LineMatch } from './rules.js';

/**
 * Every rule needs one of these in its line: a word of a secret's name, a URL's `://`, a PEM
 * `BEGIN`, or a token's documented prefix. One pass of this over the text finds the few lines
 * worth the full rules; most lines of most files have none. The alternatives are grouped by
 * first letter: irregexp then tries one branch per position (about 1.5× faster than a flat list).
 */
const TRIGGER = /a(?:uth|kia|sia|bia|cca|iza)|begin|credential|key|p(?:ass|wd)|s(?:ecret|ervice_account|k_(?:live|test)_)|token|g(?:h[pousr]_|ithub_pat_|l(?:pat|rt|dt|ptt)-)|xox[abposr]-|rk_(?:live|test)_|npm_|:\/\//gi;

const WORDS = new Set(['auth', 'credential', 'key', 'pass', 'pwd', 'secret', 'service_account', 'token']);

/** Which rule family a trigger stands for. */
function familyOf(m: RegExpExecArray): number {
  const t = m[0].toLowerCase();
  return WORDS.has(t) ? FAMILY.word : t === '://' ? FAMILY.url : t === 'begin' ? FAMILY.pem : FAMILY.token;
}

export interface BlockHit {
  line: number;
  match: LineMatch;
  /** The text of the line the match was completed on. */
  text: string;
}

/** Runs the detector on the lines of `text` (latin1, numbered from `firstLine`) that hold a trigger. */
export function scanBlock(text: string, firstLine: number, detector: LineDetector, onHit: (h: BlockHit) => void): void {
  let pos = 0;
  let line = firstLine;
  const scanLine = (start: number, families: number = FAMILY.all): number => {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    // Blocks are latin1 (one character per byte): the line is decoded as UTF-8 here, where it matters.
    const lineText = Buffer.from(text.slice(start, text.charCodeAt(end - 1) === 13 ? end - 1 : end), 'latin1').toString('utf8');
    for (const h of detector.scan(lineText, line, families)) onHit({ ...h, text: lineText });
    line++;
    return end + 1;
  };
  // A PEM header waits for its body on the next lines, which need no trigger.
  const settle = () => {
    while (detector.pending && pos < text.length) pos = scanLine(pos);
  };
  settle();
  TRIGGER.lastIndex = pos;
  for (let m = TRIGGER.exec(text); m; m = TRIGGER.exec(text)) {
    const start = text.lastIndexOf('\n', m.index - 1) + 1;
    line += countLines(text, pos, start);
    // The line's other triggers say which other rules it needs.
    let end = text.indexOf('\n', m.index);
    if (end < 0) end = text.length;
    let families = familyOf(m);
    for (let more = TRIGGER.exec(text); more && more.index < end; more = TRIGGER.exec(text)) families |= familyOf(more);
    pos = scanLine(start, families);
    settle();
    TRIGGER.lastIndex = pos;
  }
}
