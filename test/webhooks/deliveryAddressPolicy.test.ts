import request from 'supertest';
import { newId } from '../../src/ids';
import { resolveSecretsKey, secretBox } from '../../src/webhooks/secretBox';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';
import { waitUntil } from '../support/waitUntil';
import { DeliveryRow, deliveriesOf, positionedEventIds, provisionUsers, startTestWorker } from './deliveryHarness';
import { startHookSubscriber } from './hookSubscriber';
import { OwnDatabase, createOwnDatabase } from './ownDatabase';

/**
 * SSRF at delivery time: with WEBHOOK_ALLOW_PRIVATE_NETWORKS=false the worker refuses
 * to connect to loopback addresses, whether the URL names a host that resolves to one
 * or the address itself, even for endpoints stored while the setting allowed it (here:
 * rows written directly, which the admin API would have refused).
 */

let db: OwnDatabase;
let t: TestApp;
beforeAll(async () => {
  db = await createOwnDatabase('ssrf');
  t = await createTestApp({ DATABASE_URL: db.url });
});
afterAll(async () => {
  await t.close();
  await db.drop();
});

const admin = { Authorization: `Bearer ${ADMIN_KEY}` };

async function insertEndpoint(environmentId: string, url: string): Promise<string> {
  const box = secretBox(await resolveSecretsKey(t.dataSource.manager, t.config.secretsKey));
  const id = newId('webhook_endpoint');
  await t.dataSource.query(
    `INSERT INTO webhook_endpoints (id, environment_id, url, secret_ciphertext, secret_prefix) VALUES ($1, $2, $3, $4, 'whsec_')`,
    [id, environmentId, url, box.seal('whsec_direct')],
  );
  return id;
}

function settled(endpointId: string, count: number): Promise<DeliveryRow[]> {
  return waitUntil(async () => {
    const rows = await deliveriesOf(t.dataSource, endpointId);
    return rows.length === count && rows.every((d) => d.status === 'failed' || d.status === 'succeeded') && rows;
  }, 20000, `${count} deliveries settled`);
}

test('loopback URLs are refused when the worker attempts them; no request reaches the subscriber', async () => {
  const sub = await startHookSubscriber();
  try {
    const port = new URL(sub.url()).port;
    const env = await makeEnvironment(t.app);
    const targets = {
      // A name that resolves to 127.0.0.1 (and ::1): checked after resolution.
      [`http://localhost:${port}/by-name`]: 'Refused to connect to localhost: private, loopback or special-purpose address (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows them)',
      // Literal addresses are never resolved, so they are checked as they are.
      [`http://127.0.0.1:${port}/by-address`]: 'Refused to connect to 127.0.0.1: private, loopback or special-purpose address (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows them)',
      // The WHATWG URL parser reads a bare number as an IPv4 address: 2130706433 is 127.0.0.1.
      [`http://2130706433:${port}/by-number`]: 'Refused to connect to 127.0.0.1: private, loopback or special-purpose address (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows them)',
      // IPv4-mapped IPv6 (RFC 4291 §2.5.5.2): the URL parser writes it as [::ffff:7f00:1], and it reaches 127.0.0.1.
      [`http://[::ffff:127.0.0.1]:${port}/mapped`]: 'Refused to connect to [::ffff:7f00:1]: private, loopback or special-purpose address (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows them)',
      [`http://[::1]:${port}/v6`]: 'Refused to connect to [::1]: private, loopback or special-purpose address (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows them)',
    };
    const endpoints = await Promise.all(Object.keys(targets).map((url) => insertEndpoint(env.id, url)));
    const dir = await makeDirectory(t.app, { environment_id: env.id });

    const refusing = await startTestWorker(t.dataSource, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false', WEBHOOK_MAX_ATTEMPTS: '1' });
    try {
      const [activated] = await waitUntil(async () => {
        const ids = await positionedEventIds(t.dataSource, env.id);
        return ids.length === 1 && ids;
      });
      for (const [i, endpointId] of endpoints.entries()) {
        expect(await settled(endpointId, 1)).toEqual([
          {
            event_id: activated,
            event_position: expect.any(String),
            status: 'failed',
            attempts: 1,
            last_status_code: null,
            last_error: Object.values(targets)[i],
          },
        ]);
      }
    } finally {
      await refusing.stop();
    }
    expect(sub.requests).toEqual([]);

    // The same rows with private networks allowed: the subscriber was reachable all along.
    const allowing = await startTestWorker(t.dataSource, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_MAX_ATTEMPTS: '1' });
    try {
      await provisionUsers(t.app, dir, 1, 'allowed');
      const [, created] = await waitUntil(async () => {
        const ids = await positionedEventIds(t.dataSource, env.id);
        return ids.length === 2 && ids;
      });
      await Promise.all(endpoints.map((id) => settled(id, 2)));
      await sub.waitFor((rs) => rs.filter((r) => r.status === 200).length === 4);
      expect(sub.requests.map((r) => [r.path, r.eventId]).sort()).toEqual([
        ['/by-address', created],
        ['/by-name', created],
        ['/by-number', created],
        ['/mapped', created],
      ]);
    } finally {
      await allowing.stop();
    }
  } finally {
    await sub.close();
  }
});

test('an IPv4-mapped loopback address is refused when the endpoint is created, too', async () => {
  const env = await makeEnvironment(t.app);
  const message = 'url must not point to a private, loopback or special-purpose address (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true allows them)';
  for (const url of ['http://[::ffff:127.0.0.1]:8080/hooks', 'http://[::ffff:7f00:1]/hooks', 'https://[::ffff:10.0.0.7]/hooks']) {
    const res = await request(t.app).post('/api/v1/webhook-endpoints').set(admin).send({ environment_id: env.id, url });
    expect([url, res.status, res.body]).toEqual([
      url,
      400,
      { error: { code: 'invalid_request', message: `url: ${message}`, details: { errors: [{ field: 'url', message }] } } },
    ]);
  }
  // A mapped public address is an ordinary public address.
  const ok = await request(t.app)
    .post('/api/v1/webhook-endpoints')
    .set(admin)
    .send({ environment_id: env.id, url: 'https://[::ffff:8.8.8.8]/hooks', enabled: false });
  expect([ok.status, ok.body.url]).toEqual([201, 'https://[::ffff:808:808]/hooks']);
});
