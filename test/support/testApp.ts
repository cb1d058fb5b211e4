import { Express } from 'express';
import { DataSource } from 'typeorm';
import { buildApp } from '../../src/app';
import { Config, loadConfig } from '../../src/config';
import { createDataSource } from '../../src/db/dataSource';
import { createLogger } from '../../src/http/logger';

/** The operator key every test app accepts. */
export const ADMIN_KEY = 'test-admin-key-0123456789abcdefghijklmnopqrstuvwxyz';
export const PUBLIC_URL = 'https://dsync.test';

export type TestApp = { app: Express; dataSource: DataSource; config: Config; close(): Promise<void> };

/** Builds the real app on the test database (migrated by globalSetup). */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({
    DATABASE_URL: process.env.DATABASE_URL,
    ADMIN_API_KEY: ADMIN_KEY,
    PUBLIC_URL,
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '5',
    // Budgets refill with time, and a test must not depend on how fast this machine is;
    // the rate-limit tests turn them on (test/security/rateLimits.test.ts).
    RATE_LIMITS: 'off',
    ...env,
  });
  const dataSource = createDataSource(config.databaseUrl!, config.dbPoolSize);
  await dataSource.initialize();
  const app = buildApp({ dataSource, config, logger: createLogger(config.logLevel) });
  return { app, dataSource, config, close: () => dataSource.destroy() };
}
