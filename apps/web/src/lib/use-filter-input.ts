import { useEffect, useRef, useState } from 'react';

/**
 * A text input that follows a URL value but only writes back after typing pauses, so the URL
 * (and the search request) does not change on every keystroke.
 */
export function useFilterInput(value: string, commit: (next: string) => void, delayMs = 250) {
  const [text, setText] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const commitRef = useRef(commit);
  commitRef.current = commit;

  // Back/forward or a link changed the URL: show its value.
  useEffect(() => setText(value), [value]);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const onChange = (next: string) => {
    setText(next);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => commitRef.current(next), delayMs);
  };
  return { text, onChange };
}
