import { ApiError, errorMessage } from '../lib/api-client.js';

interface Props {
  error: unknown;
  /** What was being done, e.g. "Could not list /etc". */
  title?: string;
  onRetry?: () => void;
  onDismiss?: () => void;
  compact?: boolean;
}

/** An API error shown where it happened, with the server's own message (and its technical detail, folded). */
export function ErrorNote({ error, title, onRetry, onDismiss, compact }: Props) {
  const status = error instanceof ApiError && error.status > 0 ? `${error.status} ${error.code}` : null;
  // A limit (413) meets the same request the same way again: trying again cannot help.
  const retryable = !(error instanceof ApiError && error.status === 413);
  return (
    <div className={compact ? 'error-note compact' : 'error-note'} role="alert">
      <div className="error-text">
        {title ? <strong>{title}: </strong> : null}
        <span className="error-message">{errorMessage(error)}</span>
        {status ? <span className="error-status"> ({status})</span> : null}
        <ErrorDetail error={error} />
      </div>
      {onRetry && retryable ? (
        <button type="button" className="button small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
      {onDismiss ? (
        <button type="button" className="button small" onClick={onDismiss}>
          Dismiss
        </button>
      ) : null}
    </div>
  );
}

/** The server's technical account behind a plain message (a tar offset, a zlib error), folded away. */
export function ErrorDetail({ error }: { error: unknown }) {
  if (!(error instanceof ApiError) || !error.detail) return null;
  return (
    <details className="error-detail">
      <summary>Technical detail</summary>
      <code>
        {error.status > 0 ? `${error.status} ` : ''}
        {error.code}: {error.detail}
      </code>
    </details>
  );
}
