import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `fn` in one database transaction. Only the edges (routes, SCIM handlers, CLI
 * commands, worker jobs) call this; commands receive the manager through their ctx.
 */
export function inTransaction<T>(ds: DataSource, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  // PostgreSQL's default level (READ COMMITTED); naming it would cost a SET statement per transaction.
  return ds.transaction(fn);
}
