import { ApiError, errorMessage } from '../lib/api-client.js';

interface Props {
  error: unknown;
  /** What was being done, e.g. "Could not list /etc". */
  title?: string;
  onRetry?: () => void;
  onDismiss?: () => void;
  compact?: boolean;
}

/** An API error shown where it happened, with the server's own message. */
export function ErrorNote({ error, title, onRetry, onDismiss, compact }: Props) {
  const status = error instanceof ApiError && error.status > 0 ? `${error.status} ${error.code}` : null;
  return (
    <div className={compact ? 'error-note compact' : 'error-note'} role="alert">
      <div className="error-text">
        {title ? <strong>{title}: </strong> : null}
        <span className="error-message">{errorMessage(error)}</span>
        {status ? <span className="error-status"> ({status})</span> : null}
      </div>
      {onRetry ? (
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
