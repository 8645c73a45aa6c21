import type { Problem } from '@peel/api';
import { plural } from '../../lib/plural.js';

/** What the server noticed about the image (odd entries, missing blobs), collapsed by default. */
export function ProblemList({ problems }: { problems: Problem[] }) {
  if (!problems || problems.length === 0) return null;
  const errors = problems.filter((p) => p.severity === 'error').length;
  return (
    <details className={errors ? 'problems has-errors' : 'problems'}>
      <summary>
        {plural(problems.length, 'note')} about this image
        {errors ? ` (${plural(errors, 'error')})` : ''}
      </summary>
      <ul>
        {problems.map((p, i) => (
          <li key={i} className={`problem problem-${p.severity}`}>
            <span className="problem-severity">{p.severity}</span> {p.message}
            {p.layer !== undefined ? <span className="muted"> · layer {p.layer}</span> : null}
            {p.path ? <code className="muted"> {p.path}</code> : null}
          </li>
        ))}
      </ul>
    </details>
  );
}
