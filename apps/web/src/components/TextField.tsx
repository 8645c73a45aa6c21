import { useId, type ReactNode } from 'react';

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  /** Shown under the input and read as its description. */
  hint?: ReactNode;
  /** A problem with the value, shown instead of the hint. */
  error?: string;
  className?: string;
}

/** A labelled one-line text input with a hint or an error below it, both tied to the input. */
export function TextField({ label, value, onChange, placeholder, hint, error, className }: Props) {
  const id = useId();
  const note = `${id}-note`;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className="text-input mono"
        value={value}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={error || hint ? note : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {error ? (
        <span id={note} className="field-error">
          {error}
        </span>
      ) : hint ? (
        <span id={note} className="field-hint">
          {hint}
        </span>
      ) : null}
    </div>
  );
}
