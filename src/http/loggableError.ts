/**
 * What an error log line may show of an error. The logger (src/http/logger.ts) runs every
 * logged `err` through this, so the server, the worker and every error translator are
 * covered in one place.
 *
 * A PostgreSQL error carries the data of the write it refused: TypeORM's QueryFailedError
 * has the statement's `parameters` (a SCIM user's userName, externalId, emails, names) and
 * the driver error; PostgreSQL's `detail` quotes the row ("Failing row contains (…)",
 * "Key (lower(user_name))=(ada@acme.com) already exists") and its message quotes the
 * offending value (`invalid input syntax for type uuid: "…"`). None of that is logged:
 * a database error is reduced to its SQLSTATE, the names of the constraint, table and
 * column, the statement's shape (our SQL text, which is parameterised, with any literal
 * blanked), the number of parameters, and its message with quoted values blanked.
 */

const BLANK = '…';
const MAX_STATEMENT = 500;
const MAX_CAUSES = 5;

type Loggable = Record<string, unknown>;

// Fields of a PostgreSQL error (pg's DatabaseError) that name schema objects, never data.
const NAMING_FIELDS = ['code', 'severity', 'constraint', 'table', 'column', 'schema', 'dataType', 'routine'] as const;

/** The serializer for logged errors: database errors without their data, others as pino would show them. */
export function loggableError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return err;
  const out = isDatabaseError(err) ? databaseError(err) : plainError(err);
  const cause = (err as { cause?: unknown }).cause;
  if (cause !== undefined && depth < MAX_CAUSES) out.cause = loggableError(cause, depth + 1);
  return out;
}

/** A pg DatabaseError, or TypeORM's QueryFailedError wrapping one: both carry a SQLSTATE. */
function isDatabaseError(err: Error): boolean {
  const e = err as { code?: unknown; query?: unknown; driverError?: unknown; severity?: unknown };
  return (
    (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && (typeof e.severity === 'string' || e.driverError !== undefined)) ||
    (typeof e.query === 'string' && e.driverError !== undefined)
  );
}

function databaseError(err: Error): Loggable {
  const e = err as unknown as Record<string, unknown>;
  const out: Loggable = { type: typeName(err) };
  const names = new Set<string>();
  for (const field of NAMING_FIELDS) {
    if (typeof e[field] === 'string') {
      out[field] = e[field];
      names.add(e[field] as string);
    }
  }
  const message = blankQuotedValues(err.message, names);
  out.message = message;
  if (typeof e.query === 'string') out.statement = statementShape(e.query);
  if (Array.isArray(e.parameters)) out.parameter_count = e.parameters.length;
  out.stack = `${out.type}: ${message}\n${stackFrames(err)}`;
  return out;
}

// Non-database errors keep what pino's standard serializer shows, less nested objects
// (which is where data would hide); `err.body` of a body-parser error is redacted by path.
function plainError(err: Error): Loggable {
  const out: Loggable = { type: typeName(err), message: err.message, stack: err.stack };
  for (const [key, value] of Object.entries(err)) {
    if (key === 'cause' || key in out) continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) out[key] = value;
  }
  return out;
}

function typeName(err: Error): string {
  return err.constructor?.name && err.constructor.name !== 'Object' ? err.constructor.name : err.name;
}

function stackFrames(err: Error): string {
  return (err.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}

/**
 * PostgreSQL quotes identifiers and values alike ("…"); only the names the error itself
 * reports (constraint, table, column, …) are kept, every other quoted text is blanked.
 */
export function blankQuotedValues(message: string, names: ReadonlySet<string>): string {
  return message.replace(/"((?:[^"]|"")*)"/g, (whole, inner: string) => (names.has(inner) ? whole : `"${BLANK}"`)).replace(/'(?:[^']|'')*'/g, `'${BLANK}'`);
}

/** A statement as logged: whitespace collapsed, literals blanked, cut to MAX_STATEMENT characters. */
export function statementShape(sql: string): string {
  const shape = sql.replace(/'(?:[^']|'')*'/g, `'${BLANK}'`).replace(/\s+/g, ' ').trim();
  return shape.length > MAX_STATEMENT ? `${shape.slice(0, MAX_STATEMENT)}${BLANK}` : shape;
}
