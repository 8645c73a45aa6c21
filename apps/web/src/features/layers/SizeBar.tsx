/** A horizontal bar proportional to `value / max`; a hairline for tiny non-zero values. */
export function SizeBar({ value, max, label }: { value: number; max: number; label?: string }) {
  const fraction = max > 0 ? value / max : 0;
  const width = value > 0 ? Math.max(fraction * 100, 1.5) : 0;
  return (
    <div className="size-bar" aria-hidden={label ? undefined : true} role={label ? 'img' : undefined} aria-label={label}>
      <div className="size-bar-fill" style={{ width: `${width}%` }} />
    </div>
  );
}
