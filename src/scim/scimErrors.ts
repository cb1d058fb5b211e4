import { ErrorRequestHandler } from 'express';
import { Logger } from 'pino';
import SCIMMY from 'scimmy';
import { isUniqueViolation } from '../db/pgErrors';
import { AppError } from '../errors';
import { bodyParserError } from '../http/bodyErrors';
import { scimErrorBody } from './scimError';

type Translated = { status: number; scimType?: string; detail: string };

// RFC 7644 §3.12: which scimType goes with which of our domain errors.
const fromAppError: Record<string, (e: AppError) => Translated> = {
  invalid_request: (e) => ({ status: 400, scimType: 'invalidValue', detail: e.message }),
  not_found: (e) => ({ status: 404, detail: e.message }),
  conflict: (e) => ({ status: 409, scimType: 'uniqueness', detail: e.message }),
  precondition_failed: (e) => ({ status: 412, detail: e.message }),
  payload_too_large: (e) => ({ status: 413, detail: e.message }),
  unauthorized: (e) => ({ status: 401, detail: e.message }),
  forbidden: (e) => ({ status: 403, detail: e.message }),
};

/** Maps an error to an RFC 7644 §3.12 response, or undefined when it is unexpected (a 500). */
export function translateScimError(err: unknown): Translated | undefined {
  if (err instanceof SCIMMY.Types.Error) {
    return { status: err.status, scimType: err.scimType ?? undefined, detail: err.message };
  }
  if (err instanceof AppError) return fromAppError[err.code]?.(err);
  if (isUniqueViolation(err)) {
    return { status: 409, scimType: 'uniqueness', detail: 'A resource with this userName, displayName or externalId already exists' };
  }
  const parser = bodyParserError(err);
  if (parser) return { status: parser.status, scimType: parser.status === 400 ? 'invalidSyntax' : undefined, detail: parser.message };
  // Express could not percent-decode a path segment (`/Users/a%zz`, overlong UTF-8 `%C0%80`).
  if (err instanceof URIError && (err as URIError & { status?: unknown }).status === 400) {
    return { status: 400, scimType: 'invalidValue', detail: 'The request path is not valid percent-encoded UTF-8 (RFC 3986 §2.1)' };
  }
  return undefined;
}

/**
 * The one place SCIM errors become HTTP. Expected errors keep their status and
 * scimType; anything else is a 500 with the request id, logged — never a 404.
 */
export function scimErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const t = translateScimError(err);
    // scimmy-routers answers its own errors, then passes those >= 500 on for logging.
    if (res.headersSent) {
      if (!t) logger.error({ err, request_id: String(req.id ?? '') }, 'unhandled SCIM error');
      return;
    }
    res.type('application/scim+json');
    if (t) {
      res.status(t.status).send(scimErrorBody(t.status, t.detail, t.scimType));
      return;
    }
    const requestId = String(req.id ?? '');
    logger.error({ err, request_id: requestId }, 'unhandled SCIM error');
    res.status(500).send(scimErrorBody(500, `Internal server error (request id ${requestId})`));
  };
}

/**
 * Runs scimmy schema coercion, turning its TypeErrors (wrong types, missing required
 * attributes) into 400 invalidValue. Only wrap scimmy calls, so our own bugs stay 500s.
 */
export function scimmyInput<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof TypeError) throw new SCIMMY.Types.Error(400, 'invalidValue', err.message);
    throw err;
  }
}
