import { encodePathParam, type ApiErrorBody } from '@peel/api';

/** An error reply of the Peel API, carrying the server's code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The technical account behind a plain-words message, when the server sent one. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Turns a non-2xx response into an ApiError with the server's own message when it sent one. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  return parseApiError(response.status, text, response.statusText);
}

/** Parses `{ error: { code, message } }`; falls back to the raw text or the status line. */
export function parseApiError(status: number, text: string, statusText = ''): ApiError {
  try {
    const body = JSON.parse(text) as Partial<ApiErrorBody>;
    if (body?.error?.message) return new ApiError(status, body.error.code ?? 'error', body.error.message, body.error.detail);
  } catch {
    // Not JSON: a proxy or the network said something; show it as it is.
  }
  const fallback = text.trim().slice(0, 300) || `${status} ${statusText}`.trim() || 'Request failed';
  return new ApiError(status, `http_${status}`, fallback);
}

/** GET (or another method) returning parsed JSON; throws ApiError on failure. */
export async function apiJson<T>(url: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (cause) {
    throw new ApiError(0, 'network', `Cannot reach the Peel server (${(cause as Error).message}). Is it running?`);
  }
  if (!response.ok) throw await errorFromResponse(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/**
 * Builds `/api/...?a=1&b=2`, skipping undefined, null and false parameters. Values go through the
 * contract's encodePathParam, which also carries names that are not valid UTF-8.
 */
export function apiUrl(path: string, params: Record<string, string | number | boolean | null | undefined> = {}): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === false) continue;
    parts.push(`${key}=${encodePathParam(value === true ? '1' : String(value))}`);
  }
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

/** A readable message for anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
