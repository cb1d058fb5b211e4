import { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { Config } from '../config';
import { RateLimiter } from '../tenancy/rateLimiter';

/** What the admin API needs from the process: the database, configuration and logger. */
export type AdminDeps = {
  dataSource: DataSource;
  config: Config;
  logger: Logger;
  /** SHA-256 of ADMIN_API_KEY, computed once at start; undefined when not configured. */
  adminKeyHash: string | undefined;
  /** The shared token buckets; undefined when RATE_LIMITS=off. */
  rateLimiter?: RateLimiter;
  /** Runs in the sequencer's transaction for newly positioned events (webhook fan-out). */
  afterPositions?: (manager: EntityManager, eventIds: string[]) => Promise<void>;
};
