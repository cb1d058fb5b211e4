import { DataSource } from 'typeorm';
import { Config } from '../config';
import { createDataSource } from './dataSource';
import { startEmbeddedPostgres } from './embedded';
import { runMigrations } from './migrate';

/** An initialised data source and the means to close it (and the embedded server, if we started one). */
export type Database = {
  dataSource: DataSource;
  embedded: boolean;
  close(): Promise<void>;
};

export type OpenOptions = {
  migrate: boolean;
  log?: (line: string) => void;
};

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL when it is unset, and
 * applies migrations when asked.
 */
export async function openDatabase(config: Config, opts: OpenOptions): Promise<Database> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log: opts.log });
  const url = config.databaseUrl ?? embedded!.url;
  const dataSource = createDataSource(url, config.dbPoolSize);
  try {
    await dataSource.initialize();
    if (opts.migrate) await runMigrations(dataSource);
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw err;
  }
  return {
    dataSource,
    embedded: Boolean(embedded),
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
