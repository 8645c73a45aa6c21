import { useState } from 'react';
import { instructionOf, trimCreatedBy } from '../../lib/created-by.js';

/** A step's command, trimmed of builder noise and clamped; the full original on demand. */
export function CreatedBy({ text, clamp = true }: { text: string | null; clamp?: boolean }) {
  const [full, setFull] = useState(false);
  if (!text) return <span className="muted">no history entry</span>;
  const trimmed = trimCreatedBy(text);
  const instruction = instructionOf(trimmed);
  const body = instruction ? trimmed.slice(instruction.length).trimStart() : trimmed;
  // Short commands fit in the clamp; the original text is still one hover away.
  const long = trimmed.length > 160 || text.includes('\n');
  return (
    <div className="created-by">
      {full ? (
        <pre className="created-by-full">{text}</pre>
      ) : (
        <div className={clamp ? 'created-by-text clamped' : 'created-by-text'} title={text}>
          {instruction ? <span className="instruction">{instruction}</span> : null} <code>{body}</code>
        </div>
      )}
      {long ? (
        <button
          type="button"
          className="link-button small"
          aria-expanded={full}
          onClick={(event) => {
            event.stopPropagation();
            setFull(!full);
          }}
        >
          {full ? 'Show short' : 'Show full command'}
        </button>
      ) : null}
    </div>
  );
}
