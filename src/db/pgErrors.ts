import { QueryFailedError } from 'typeorm';

/** The PostgreSQL error fields we act on (SQLSTATE and constraint name). */
export type PgErrorInfo = { code: string; constraint?: string; detail?: string };

/** Extracts SQLSTATE information from a TypeORM/pg error, or undefined for other errors. */
export function pgErrorInfo(err: unknown): PgErrorInfo | undefined {
  if (!(err instanceof QueryFailedError)) return undefined;
  const driverError = (err as QueryFailedError & { driverError?: unknown }).driverError;
  if (typeof driverError !== 'object' || driverError === null) return undefined;
  const d = driverError as { code?: unknown; constraint?: unknown; detail?: unknown };
  if (typeof d.code !== 'string') return undefined;
  return {
    code: d.code,
    constraint: typeof d.constraint === 'string' ? d.constraint : undefined,
    detail: typeof d.detail === 'string' ? d.detail : undefined,
  };
}

/** SQLSTATE 23505: a unique constraint rejected the write. */
export const isUniqueViolation = (err: unknown) => pgErrorInfo(err)?.code === '23505';
/** SQLSTATE 23503: a foreign key rejected the write. */
export const isForeignKeyViolation = (err: unknown) => pgErrorInfo(err)?.code === '23503';
