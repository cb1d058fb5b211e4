import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Config } from '../config';

/** What the admin API needs from the process: the database, configuration and logger. */
export type AdminDeps = {
  dataSource: DataSource;
  config: Config;
  logger: Logger;
  /** SHA-256 of ADMIN_API_KEY, computed once at start; undefined when not configured. */
  adminKeyHash: string | undefined;
};
