import { useState } from 'react';

interface Props {
  label: string;
  items: string[];
  onChange: (items: string[]) => void;
  placeholder: string;
  error?: string;
}

/** A short list of values (ports, volumes) as removable chips with an input to add one. */
export function ListEditor({ label, items, onChange, placeholder, error }: Props) {
  const [text, setText] = useState('');
  const add = () => {
    const value = text.trim();
    if (!value) return;
    if (!items.includes(value)) onChange([...items, value]);
    setText('');
  };
  return (
    <div className="list-editor" role="group" aria-label={label}>
      <div className="chip-list">
        {items.length === 0 ? <span className="muted small">None.</span> : null}
        {items.map((item) => (
          <span key={item} className="chip removable">
            {item}
            <button type="button" className="chip-remove" aria-label={`Remove ${item}`} onClick={() => onChange(items.filter((i) => i !== item))}>
              ×
            </button>
          </span>
        ))}
      </div>
      <div className="field-row">
        <input
          className="text-input mono"
          aria-label={`Add to ${label}`}
          placeholder={placeholder}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <button type="button" className="button small" disabled={!text.trim()} onClick={add}>
          Add
        </button>
      </div>
      {error ? <p className="field-error">{error}</p> : null}
    </div>
  );
}
