import type { components } from './generated/adminApi.js';

/** The error codes of the admin API (`{error: {code, message}}`). */
export type ApiErrorCode = components['schemas']['ErrorCode'];

/**
 * An answer other than 2xx from the admin API. `code` is the API's error code (or
 * `unexpected_response` when the body was not the API's error JSON, e.g. from a proxy);
 * `requestId` is given with 500s and matches the server's log.
 */
export class DsyncApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode | 'unexpected_response',
    message: string,
    readonly requestId?: string,
    readonly details?: { errors: { field: string; message: string }[] },
  ) {
    super(message);
    this.name = 'DsyncApiError';
  }

  /** True for answers worth retrying later: 408, 429 and 5xx. */
  get retryable(): boolean {
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** The `data` of an openapi-fetch result, or a DsyncApiError built from its `error`. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  throw toApiError(result.response, result.error);
}

function toApiError(response: Response, body: unknown): DsyncApiError {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
    const e = error as { code: ApiErrorCode; message?: string; request_id?: string; details?: DsyncApiError['details'] };
    return new DsyncApiError(response.status, e.code, e.message ?? e.code, e.request_id, e.details);
  }
  return new DsyncApiError(response.status, 'unexpected_response', `HTTP ${response.status} without an API error body`);
}
