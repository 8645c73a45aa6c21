import { TextField } from '../../components/TextField.js';
import { splitWords } from '../../lib/shell-words.js';

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  placeholder: string;
}

/** A command typed as a shell line, shown as the exec-form list Docker will store. */
export function ArgvField({ label, value, onChange, error, placeholder }: Props) {
  const parsed = splitWords(value);
  const stored = 'words' in parsed && parsed.words.length ? JSON.stringify(parsed.words) : 'not set';
  return <TextField label={label} value={value} onChange={onChange} placeholder={placeholder} error={error} hint={<span className="mono">Stored as {stored}</span>} />;
}
