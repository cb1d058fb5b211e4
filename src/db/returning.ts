import { EntityManager } from 'typeorm';

/**
 * Runs an INSERT/UPDATE/DELETE … RETURNING and gives back the returned rows.
 * TypeORM's postgres driver returns `[rows, rowCount]` for UPDATE and DELETE but
 * plain rows for INSERT; this hides the difference.
 */
export async function queryReturning<T>(m: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const result: unknown = await m.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}
