import { ErrorRequestHandler, RequestHandler } from 'express';
import { Logger } from 'pino';
import { isUniqueViolation } from '../db/pgErrors';
import { AppError, RateLimitedError } from '../errors';
import { bodyParserError } from '../http/bodyErrors';

/** The admin API's error body: `{ "error": { "code", "message" } }` (plus `details`, `request_id` when useful). */
function body(code: string, message: string, extra: Record<string, unknown> = {}) {
  return { error: { code, message, ...extra } };
}

/** Unknown /api/v1 routes answer a JSON 404, not Express's HTML page. */
export const adminNotFound: RequestHandler = (req, res) => {
  res.status(404).json(body('not_found', `No route ${req.method} ${req.baseUrl}${req.path}`));
};

/**
 * The one place admin-API errors become HTTP. Domain errors keep their status; body
 * parser failures become 400/413/415; anything else is a logged 500 with the request id.
 */
export function adminErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof AppError) {
      if (err.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="dsync-admin"');
      if (err instanceof RateLimitedError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      res.status(err.status).json(body(err.code, err.message, err.details ? { details: err.details } : {}));
      return;
    }
    // Express could not percent-decode a path segment (`/environments/%zz`).
    if (err instanceof URIError && (err as URIError & { status?: unknown }).status === 400) {
      res.status(400).json(body('invalid_request', 'The request path is not valid percent-encoded UTF-8'));
      return;
    }
    const parserError = bodyParserError(err);
    if (parserError) {
      res.status(parserError.status).json(body(parserError.code, parserError.message));
      return;
    }
    if (isUniqueViolation(err)) {
      res.status(409).json(body('conflict', 'A resource with these values already exists'));
      return;
    }
    const requestId = String(req.id ?? '');
    logger.error({ err, request_id: requestId }, 'unhandled admin API error');
    res.status(500).json(body('internal_error', 'Internal server error', { request_id: requestId }));
  };
}
