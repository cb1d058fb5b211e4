import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { entities, migrations } from './schema';

/** Builds (without connecting) the TypeORM data source for a PostgreSQL URL. */
export function createDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, application_name: 'dsync' },
  });
}
