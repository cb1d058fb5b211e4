/**
 * Domain errors. Commands throw these; the admin API (src/admin/errorHandler.ts)
 * and the SCIM layer (src/scim/scimErrors.ts) each translate them in exactly one place.
 */
export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal_error'
  | 'idp_unavailable';

const statusByCode: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  idp_unavailable: 502,
};

/** An expected failure with a stable code and an HTTP status derived from it. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = statusByCode[code];
  }
}

/** The resource does not exist, or belongs to a tenant the caller cannot see (no existence leak). */
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
/** The request is malformed or fails validation. */
export const invalidRequest = (message: string, details?: Record<string, unknown>) =>
  new AppError('invalid_request', message, details);
/** A uniqueness or state conflict. */
export const conflict = (message: string, details?: Record<string, unknown>) => new AppError('conflict', message, details);
/** The caller is authenticated but may not do this. */
export const forbidden = (message: string) => new AppError('forbidden', message);
/** A call to the directory's identity provider failed, so the work that needed it was not done. */
export const idpUnavailable = (message: string) => new AppError('idp_unavailable', message);

/** The credential's rate-limit budget is spent; the faces send `Retry-After` with it. */
export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', `Too many requests for this key; retry after ${retryAfterSeconds} s`);
  }
}
