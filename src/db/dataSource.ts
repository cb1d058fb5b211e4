import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { migrations } from './schema';

/** Builds (without connecting) the TypeORM data source for a PostgreSQL URL. */
export function createDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    // No entities: every table's one definition is its row type in src/db/tables/ (docs/architecture.md).
    entities: [],
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, application_name: 'dsync' },
  });
}
