import path from 'node:path';
import { parseDuration } from './activity/duration';
import { z } from 'zod';

/**
 * The only reader of `process.env`. Every option states its default; a bad value
 * stops the process with a message naming the variable (see ConfigError).
 */
const booleanVar = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  // Base URL the IdP reaches us on; used to build `scim_url`. Defaults to http://localhost:PORT.
  PUBLIC_URL: z.string().url().optional(),
  // A real PostgreSQL server. Unset: an embedded PostgreSQL under DATA_DIR is started.
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  // Operator / support-staff key. Unset: one is generated on first start, stored hashed, shown once.
  ADMIN_API_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  // Optional bearer token protecting /metrics. Unset: /metrics is open (bind it to a private network).
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Request body limit for JSON and SCIM bodies. Entra group pushes of several thousand members fit in 1 MB.
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must look like 512kb or 1mb')
    .default('1mb'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10000),
  // Run the event sequencer and webhook delivery worker inside this process (default).
  // Set false on web-only instances when workers run as `npm run worker`.
  RUN_WORKER: booleanVar.default(true),
  // Events older than this are deleted by the worker's periodic cleanup (deliveries go with them).
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  // Attempt n of a failing delivery waits about BASE × 2^(n−1) seconds (±20% jitter); 12 attempts ≈ 3 days.
  WEBHOOK_RETRY_BASE_SECONDS: z.coerce.number().min(0).max(86400).default(60),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(12),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(10000),
  // An endpoint whose deliveries have all failed for this long is disabled (with an audit entry).
  WEBHOOK_DISABLE_AFTER_HOURS: z.coerce.number().min(0).max(8760).default(72),
  // Refuse webhook URLs that resolve to loopback, private or link-local addresses unless true.
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: booleanVar.default(false),
  // Key (32 bytes, base64) that encrypts webhook signing secrets at rest. Unset: a key is
  // generated and kept in the database, which protects only against leaks of single columns.
  SECRETS_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  // Token-bucket rate limits per SCIM token and per API key (src/tenancy/rateLimits.ts).
  // `off` disables them, e.g. for benchmarks; on, each process takes tokens from a shared
  // PostgreSQL bucket in chunks: one small UPDATE per chunk, none per request.
  RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  // How often idle workers look for work; new events also wake them through LISTEN/NOTIFY.
  WORKER_POLL_MS: z.coerce.number().int().min(10).max(60000).default(1000),
  // How often the job runner looks for policy switch jobs a dead process left without a queued batch.
  POLICY_SWITCH_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  // How often each directory with an idle rule is scanned (an ISO 8601 duration); the
  // job runner checks every minute which directories are due.
  // People per idle-scan transaction: the marks, events and actions of a batch commit together.
  IDLE_SCAN_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  IDLE_SCAN_INTERVAL: z
    .string()
    .default('PT15M')
    .refine((v) => (parseDuration(v) ?? 0) >= 1000, 'must be an ISO 8601 duration of at least one second, e.g. PT15M'),
  // Calls to an identity provider's admin API (idle rule `unassign`, Entra sign-in pulls).
  // A failed unassign call's attempt n is retried after BASE × 2^(n−1) seconds, 5 attempts in all.
  IDP_RETRY_BASE_SECONDS: z.coerce.number().min(0).max(86400).default(30),
  IDP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(10000),
});

export type Config = {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  dbPoolSize: number;
  adminApiKey: string | undefined;
  metricsToken: string | undefined;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  bodyLimit: string;
  shutdownTimeoutMs: number;
  runWorker: boolean;
  eventRetentionDays: number;
  webhook: {
    retryBaseSeconds: number;
    maxAttempts: number;
    timeoutMs: number;
    disableAfterHours: number;
    allowPrivateNetworks: boolean;
  };
  secretsKey: Buffer | undefined;
  workerPollMs: number;
  /** RATE_LIMITS: whether SCIM tokens and API keys have token-bucket budgets. */
  rateLimits: boolean;
  policySwitchSweepSeconds: number;
  /** IDLE_SCAN_BATCH_SIZE: people per idle-scan transaction. */
  idleScanBatchSize: number;
  /** IDLE_SCAN_INTERVAL in milliseconds. */
  idleScanIntervalMs: number;
  /** Calls to identity providers' admin APIs; their URLs follow the webhook URL policy. */
  idp: { retryBaseSeconds: number; timeoutMs: number };
};

/** Thrown when an environment variable is invalid; the message names the variable. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates configuration from the given environment (process.env by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Treat empty strings as unset, as shells and .env files often export `FOO=`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    databaseUrl: c.DATABASE_URL,
    dataDir: path.resolve(c.DATA_DIR),
    embeddedPgPort: c.EMBEDDED_PG_PORT,
    dbPoolSize: c.DB_POOL_SIZE,
    adminApiKey: c.ADMIN_API_KEY,
    metricsToken: c.METRICS_TOKEN,
    logLevel: c.LOG_LEVEL,
    bodyLimit: c.BODY_LIMIT,
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
    runWorker: c.RUN_WORKER,
    eventRetentionDays: c.EVENT_RETENTION_DAYS,
    webhook: {
      retryBaseSeconds: c.WEBHOOK_RETRY_BASE_SECONDS,
      maxAttempts: c.WEBHOOK_MAX_ATTEMPTS,
      timeoutMs: c.WEBHOOK_TIMEOUT_MS,
      disableAfterHours: c.WEBHOOK_DISABLE_AFTER_HOURS,
      allowPrivateNetworks: c.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    },
    secretsKey: c.SECRETS_KEY ? Buffer.from(c.SECRETS_KEY, 'base64') : undefined,
    workerPollMs: c.WORKER_POLL_MS,
    rateLimits: c.RATE_LIMITS === 'on',
    policySwitchSweepSeconds: c.POLICY_SWITCH_SWEEP_SECONDS,
    idleScanIntervalMs: parseDuration(c.IDLE_SCAN_INTERVAL)!,
    idleScanBatchSize: c.IDLE_SCAN_BATCH_SIZE,
    idp: { retryBaseSeconds: c.IDP_RETRY_BASE_SECONDS, timeoutMs: c.IDP_TIMEOUT_MS },
  };
}

/** For process entry points: the configuration, or exit 78 (EX_CONFIG) with the message naming the variable. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}
