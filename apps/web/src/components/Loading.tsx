/** A quiet loading line that takes the same space as the content it stands for. */
export function Loading({ label = 'Loading…', lines = 1 }: { label?: string; lines?: number }) {
  return (
    <div className="loading" aria-busy="true" aria-live="polite">
      <span className="visually-hidden">{label}</span>
      {Array.from({ length: lines }, (_, i) => (
        <div key={i} className="skeleton-line" style={{ width: `${90 - ((i * 23) % 40)}%` }} />
      ))}
    </div>
  );
}
