import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

const ROOT = path.resolve(__dirname, '../..');

/** The ConfigError that loadConfig throws for this environment. */
function configErrorFor(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig rejects bad values and names the variable', () => {
  test.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['DATABASE_URL', 'mysql://x'],
    ['ADMIN_API_KEY', 'short'],
    ['METRICS_TOKEN', 'tiny'],
    ['LOG_LEVEL', 'loud'],
    ['BODY_LIMIT', 'huge'],
    ['PUBLIC_URL', 'not a url'],
    ['EMBEDDED_PG_PORT', '0'],
    ['DB_POOL_SIZE', '0'],
    ['SHUTDOWN_TIMEOUT_MS', 'soon'],
  ])('%s=%s', (name, value) => {
    const err = configErrorFor({ [name]: value });
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0].startsWith(`${name}: `)).toBe(true);
    expect(err.message).toContain(name);
  });

  test('every bad variable is reported at once', () => {
    const err = configErrorFor({ PORT: 'abc', LOG_LEVEL: 'loud', BODY_LIMIT: 'huge' });
    expect(err.issues.map((i) => i.split(':')[0]).sort()).toEqual(['BODY_LIMIT', 'LOG_LEVEL', 'PORT']);
  });
});

test('defaults are the documented ones', () => {
  expect(loadConfig({})).toEqual({
    port: 3000,
    host: '0.0.0.0',
    publicUrl: 'http://localhost:3000',
    databaseUrl: undefined,
    dataDir: path.resolve('./data'),
    embeddedPgPort: 54329,
    dbPoolSize: 10,
    adminApiKey: undefined,
    metricsToken: undefined,
    logLevel: 'info',
    bodyLimit: '1mb',
    shutdownTimeoutMs: 10000,
    runWorker: true,
    eventRetentionDays: 30,
    webhook: { retryBaseSeconds: 60, maxAttempts: 12, timeoutMs: 10000, disableAfterHours: 72, allowPrivateNetworks: false },
    secretsKey: undefined,
    workerPollMs: 1000,
    policySwitchSweepSeconds: 60,
    idleScanIntervalMs: 15 * 60_000,
    idleScanBatchSize: 500,
    idp: { retryBaseSeconds: 30, timeoutMs: 10000 },
    rateLimits: true,
  });
});

test('RATE_LIMITS is on unless set to off, and any other value is refused by name', () => {
  expect([loadConfig({ RATE_LIMITS: 'off' }).rateLimits, loadConfig({ RATE_LIMITS: 'on' }).rateLimits]).toEqual([false, true]);
  expect(configErrorFor({ RATE_LIMITS: 'false' }).issues.map((i) => i.split(':')[0])).toEqual(['RATE_LIMITS']);
});

test('IdP call settings parse and reject bad values by name', () => {
  expect(loadConfig({ IDP_RETRY_BASE_SECONDS: '0.5', IDP_TIMEOUT_MS: '2500' }).idp).toEqual({ retryBaseSeconds: 0.5, timeoutMs: 2500 });
  const err = configErrorFor({ IDP_RETRY_BASE_SECONDS: '-1', IDP_TIMEOUT_MS: '50' });
  expect(err.issues.map((i) => i.split(':')[0]).sort()).toEqual(['IDP_RETRY_BASE_SECONDS', 'IDP_TIMEOUT_MS']);
});

test('IDLE_SCAN_INTERVAL is an ISO 8601 duration of at least a second', () => {
  expect(loadConfig({ IDLE_SCAN_INTERVAL: 'PT1H' }).idleScanIntervalMs).toBe(3_600_000);
  for (const bad of ['15', 'PT0.5S', 'P1M']) {
    expect(configErrorFor({ IDLE_SCAN_INTERVAL: bad }).issues.map((i) => i.split(':')[0])).toEqual(['IDLE_SCAN_INTERVAL']);
  }
});

test('worker and webhook settings parse and reject bad values by name', () => {
  const c = loadConfig({ RUN_WORKER: 'false', WEBHOOK_ALLOW_PRIVATE_NETWORKS: '1', SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') });
  expect([c.runWorker, c.webhook.allowPrivateNetworks, c.secretsKey]).toEqual([false, true, Buffer.alloc(32, 7)]);
  const err = configErrorFor({ RUN_WORKER: 'maybe', SECRETS_KEY: 'c2hvcnQ=', WEBHOOK_MAX_ATTEMPTS: '0' });
  expect(err.issues.map((i) => i.split(':')[0]).sort()).toEqual(['RUN_WORKER', 'SECRETS_KEY', 'WEBHOOK_MAX_ATTEMPTS']);
});

test('empty strings count as unset, and PUBLIC_URL loses its trailing slash', () => {
  const config = loadConfig({ PORT: '', LOG_LEVEL: '', PUBLIC_URL: 'https://sync.example.com/', DATABASE_URL: 'postgres://h/db' });
  expect(config.port).toBe(3000);
  expect(config.logLevel).toBe('info');
  expect(config.publicUrl).toBe('https://sync.example.com');
  expect(config.databaseUrl).toBe('postgres://h/db');
});

test('PUBLIC_URL defaults to localhost on the configured port', () => {
  expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
});

test('the server process exits with EX_CONFIG (78) and names the variable when PORT is bad', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: 'abc' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status).toBe(78);
  expect(run.stderr).toContain('Invalid configuration');
  expect(run.stderr).toMatch(/^\s+PORT: /m);
  expect(run.stdout).toBe('');
});
