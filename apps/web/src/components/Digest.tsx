/** A digest shortened to 12 hex digits, the full value on hover and for copying. */
export function Digest({ value, full }: { value: string | null | undefined; full?: boolean }) {
  if (!value) return <span className="muted">–</span>;
  const [algo, hex] = value.includes(':') ? value.split(':', 2) : ['', value];
  return (
    <code className="digest" title={value}>
      {full ? value : `${algo ? `${algo}:` : ''}${hex.slice(0, 12)}`}
    </code>
  );
}
