import pino from 'pino';
import { scanIdleDirectories } from '../../src/jobs/scanIdleDirectories';
import { makeDirectory } from '../support/factories';
import { USER_SCHEMA, scimClient } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';

/** The job runner's minutely tick scans each directory whose IDLE_SCAN_INTERVAL has passed, and no other. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const DAY = 86_400_000;
const logger = pino({ level: 'silent' });

test('a directory is scanned when its interval has passed since its last scan, and then not again until it passes', async () => {
  const d = await makeDirectory(t.app);
  const c = scimClient(t.app, d);
  const user = (await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'due@acme.test' })).body;
  await t.dataSource.query(
    `INSERT INTO idle_rules (directory_id, after, after_ms, action, enabled_at) VALUES ($1, 'P30D', $2, 'notify', now() - interval '60 days')`,
    [d.id, 30 * DAY],
  );
  await t.dataSource.query(`UPDATE directory_users SET created_at = now() - interval '60 days' WHERE scim_user_id = $1`, [user.id]);
  const scannedAt = async () => (await t.dataSource.query(`SELECT last_scanned_at FROM idle_rules WHERE directory_id = $1`, [d.id]))[0].last_scanned_at;
  const flagged = async () =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM person_activity WHERE scim_user_id = $1 AND idle_since IS NOT NULL`, [user.id]))[0].n;

  expect(await scannedAt()).toBeNull();
  // Other tests' directories may be due too; this one must be among those scanned.
  expect(await scanIdleDirectories(t.dataSource, logger, { intervalMs: 15 * 60_000 })).toBeGreaterThanOrEqual(1);
  expect(await flagged()).toBe(1);
  const first = await scannedAt();
  expect(first).toBeInstanceOf(Date);

  // Not due again within the interval.
  await scanIdleDirectories(t.dataSource, logger, { intervalMs: 15 * 60_000 });
  expect(await scannedAt()).toEqual(first);
  // Due once the interval has passed.
  await t.dataSource.query(`UPDATE idle_rules SET last_scanned_at = now() - interval '16 minutes' WHERE directory_id = $1`, [d.id]);
  await scanIdleDirectories(t.dataSource, logger, { intervalMs: 15 * 60_000 });
  expect((await scannedAt()).getTime()).toBeGreaterThan(first.getTime());
  expect(await flagged()).toBe(1);
});
