import { loadConfig } from './src/config';
import { createDataSource } from './src/db/dataSource';

/**
 * The data source of TypeORM's own CLI (`migration:show`, `migration:run`, …), with the
 * migration list the server applies (src/db/schema.ts). It needs DATABASE_URL: unlike
 * the server, the CLI never starts the embedded PostgreSQL. See docs/operations.md.
 */
const config = loadConfig();
if (config.databaseUrl === undefined) {
  throw new Error('Set DATABASE_URL: the TypeORM CLI works on an existing database and never starts the embedded one');
}

// The CLI runs one command on one connection.
export default createDataSource(config.databaseUrl, 1);
