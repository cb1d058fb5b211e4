import { DataSource, EntityManager } from 'typeorm';
import { pgErrorInfo } from './pgErrors';

/**
 * Runs `fn` in one database transaction. Only the edges (routes, SCIM handlers, CLI
 * commands, worker jobs) call this; commands receive the manager through their ctx.
 */
export function inTransaction<T>(ds: DataSource, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  // PostgreSQL's default level (READ COMMITTED); naming it would cost a SET statement per transaction.
  return ds.transaction(fn);
}

const ATTEMPTS = 3;

/**
 * `inTransaction`, run again when PostgreSQL aborts it to break a deadlock (40P01) or a
 * serialization failure (40001). Lock order cannot be the same on every path — a group
 * PATCH locks the group then its members, a user DELETE the user then its groups; the
 * activity stream locks a person's activity row before their record, an idle scan the
 * other way — and the aborted transaction left nothing behind, so running it again is
 * what would have happened had it come a moment later.
 */
export async function inRetryingTransaction<T>(ds: DataSource, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(ds, fn);
    } catch (err) {
      const code = pgErrorInfo(err)?.code;
      if (attempt >= ATTEMPTS || (code !== '40P01' && code !== '40001')) throw err;
    }
  }
}
