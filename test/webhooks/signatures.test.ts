import request from 'supertest';
import { signWebhook, verifyWebhook } from '../../src/webhooks/verifyWebhook';
import { Worker } from '../../src/jobs/eventWorker';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';
import { createEndpoint, positionedEventIds, provisionUsers, startTestWorker } from './deliveryHarness';
import { HookRequest, startHookSubscriber } from './hookSubscriber';
import { OwnDatabase, createOwnDatabase } from './ownDatabase';

/**
 * `Dsync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>`: what
 * subscribers check with verifyWebhook (src/webhooks/verifyWebhook.ts), first on fixed
 * values, then on real deliveries signed with the secret the admin API returned once.
 */

describe('signWebhook and verifyWebhook', () => {
  const secret = 'whsec_test_vector';
  const body = '{"hello":"world"}';
  const t0 = 1700000000;
  // Computed apart from our code: printf '%s' '1700000000.{"hello":"world"}' | openssl dgst -sha256 -hmac whsec_test_vector
  const V1 = '32380ce91a19fd38f321c0b5f43c6124ea9098b5824f991124761a61c36bad35';

  test('signs t.body with HMAC-SHA256 and says when', () => {
    expect(signWebhook(body, secret, t0)).toBe(`t=${t0},v1=${V1}`);
  });

  test('accepts its signature within the tolerance, either side of now, also from a Buffer', () => {
    const header = `t=${t0},v1=${V1}`;
    expect(verifyWebhook(body, header, secret, 300, t0)).toEqual({ ok: true, timestamp: t0 });
    expect(verifyWebhook(Buffer.from(body), header, secret, 300, t0 + 300)).toEqual({ ok: true, timestamp: t0 });
    expect(verifyWebhook(body, header, secret, 300, t0 - 300)).toEqual({ ok: true, timestamp: t0 });
  });

  test('a stale or future timestamp beyond the tolerance is rejected as stale', () => {
    const header = `t=${t0},v1=${V1}`;
    expect(verifyWebhook(body, header, secret, 300, t0 + 301)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhook(body, header, secret, 300, t0 - 301)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhook(body, header, secret, 10, t0 + 11)).toEqual({ ok: false, reason: 'stale' });
  });

  test('a changed body, timestamp or secret is a mismatch', () => {
    expect(verifyWebhook('{"hello":"World"}', `t=${t0},v1=${V1}`, secret, 300, t0)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhook(body, `t=${t0 + 1},v1=${V1}`, secret, 300, t0)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhook(body, `t=${t0},v1=${V1}`, 'whsec_other', 300, t0)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhook(body, `t=${t0},v1=${V1.slice(0, 62)}`, secret, 300, t0)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhook(body, `t=${t0},v1=zz${V1.slice(2)}`, secret, 300, t0)).toEqual({ ok: false, reason: 'mismatch' });
  });

  test('any one matching v1 is enough (several are sent while a secret changes)', () => {
    const other = 'ab'.repeat(32);
    expect(verifyWebhook(body, `t=${t0},v1=${other},v1=${V1}`, secret, 300, t0)).toEqual({ ok: true, timestamp: t0 });
    expect(verifyWebhook(body, `t=${t0}, v1=${other}`, secret, 300, t0)).toEqual({ ok: false, reason: 'mismatch' });
  });

  test.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['no signature', `t=${t0}`],
    ['no timestamp', `v1=${V1}`],
    ['a timestamp that is not a number', `t=yesterday,v1=${V1}`],
    ['a fractional timestamp', `t=${t0}.5,v1=${V1}`],
    ['no key=value pairs', `${t0} ${V1}`],
    ['only a v0 signature', `t=${t0},v0=${V1}`],
  ])('%s is malformed', (_label, header) => {
    expect(verifyWebhook(body, header, secret, 300, t0)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('on real deliveries', () => {
  let db: OwnDatabase;
  let t: TestApp;
  let worker: Worker;
  beforeAll(async () => {
    db = await createOwnDatabase('signatures');
    t = await createTestApp({ DATABASE_URL: db.url, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });
    worker = await startTestWorker(t.dataSource);
  });
  afterAll(async () => {
    await worker.stop();
    await t.close();
    await db.drop();
  });

  const signature = (r: HookRequest) => r.headers['dsync-signature'] as string;
  const timestampOf = (r: HookRequest) => Number(/t=(\d+)/.exec(signature(r))![1]);

  test('each delivery verifies with the secret returned at creation; tampering, another secret and old replays fail', async () => {
    const sub = await startHookSubscriber();
    try {
      const env = await makeEnvironment(t.app);
      const endpoint = await createEndpoint(t.app, env.id, sub.url());
      expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      const dir = await makeDirectory(t.app, { environment_id: env.id });
      await provisionUsers(t.app, dir, 2, 'signed');
      await sub.waitFor((rs) => rs.filter((r) => r.status === 200).length === 3);
      expect(sub.requests.map((r) => r.eventId)).toEqual(await positionedEventIds(t.dataSource, env.id));

      for (const r of sub.requests) {
        const now = Math.floor(r.receivedAt / 1000);
        expect(r.headers['dsync-event-id']).toBe(r.eventId);
        expect(signature(r)).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
        expect(verifyWebhook(r.body, signature(r), endpoint.secret, 300, now)).toEqual({ ok: true, timestamp: timestampOf(r) });
        // The default clock is the real one: a delivery just received verifies without passing now.
        expect(verifyWebhook(r.body, signature(r), endpoint.secret).ok).toBe(true);

        // Another event id in an otherwise identical body.
        const tampered = r.body.replace(r.eventId, `${r.eventId.slice(0, -1)}${r.eventId.endsWith('0') ? '1' : '0'}`);
        expect(tampered).not.toBe(r.body);
        expect(verifyWebhook(tampered, signature(r), endpoint.secret, 300, now)).toEqual({ ok: false, reason: 'mismatch' });
        // Re-serialised JSON is not the raw body: subscribers must verify the bytes they received.
        const reserialised = JSON.stringify(JSON.parse(r.body), null, 1);
        expect(verifyWebhook(reserialised, signature(r), endpoint.secret, 300, now)).toEqual({ ok: false, reason: 'mismatch' });
        expect(verifyWebhook(r.body, signature(r), `whsec_${'A'.repeat(43)}`, 300, now)).toEqual({ ok: false, reason: 'mismatch' });
        expect(verifyWebhook(r.body, signature(r).replace('v1=', 'v2='), endpoint.secret, 300, now)).toEqual({
          ok: false,
          reason: 'malformed',
        });
        // A captured delivery replayed later than the tolerance is refused; inside it, the
        // signature still holds and the subscriber dedupes on Dsync-Event-Id.
        const sent = timestampOf(r);
        expect(verifyWebhook(r.body, signature(r), endpoint.secret, 300, sent + 301)).toEqual({ ok: false, reason: 'stale' });
        expect(verifyWebhook(r.body, signature(r), endpoint.secret, 300, sent + 299)).toEqual({ ok: true, timestamp: sent });
      }
    } finally {
      await sub.close();
    }
  });

  test('after a rotation without overlap (PT0S), deliveries verify with the new secret only', async () => {
    const sub = await startHookSubscriber();
    try {
      const env = await makeEnvironment(t.app);
      const endpoint = await createEndpoint(t.app, env.id, sub.url());
      const dir = await makeDirectory(t.app, { environment_id: env.id });
      await sub.waitFor((rs) => rs.filter((r) => r.status === 200).length === 1);
      const rotated = await request(t.app)
        .post(`/api/v1/webhook-endpoints/${endpoint.id}/secret`)
        .set('Authorization', `Bearer ${ADMIN_KEY}`)
        .send({ overlap: 'PT0S' });
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).not.toBe(endpoint.secret);
      await provisionUsers(t.app, dir, 1, 'rotated');
      await sub.waitFor((rs) => rs.filter((r) => r.status === 200).length === 2);

      const [before, after] = sub.requests;
      expect(verifyWebhook(before.body, signature(before), endpoint.secret).ok).toBe(true);
      expect(verifyWebhook(before.body, signature(before), rotated.body.secret)).toEqual({ ok: false, reason: 'mismatch' });
      expect(verifyWebhook(after.body, signature(after), rotated.body.secret).ok).toBe(true);
      expect(verifyWebhook(after.body, signature(after), endpoint.secret)).toEqual({ ok: false, reason: 'mismatch' });
    } finally {
      await sub.close();
    }
  });
  test('a rotation in the middle of a backlog signs every later delivery with the new secret', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const sub = await startHookSubscriber(async (r) => {
      if (r.index === 0) await held;
      return 200;
    });
    try {
      const env = await makeEnvironment(t.app);
      const endpoint = await createEndpoint(t.app, env.id, sub.url());
      const dir = await makeDirectory(t.app, { environment_id: env.id });
      await provisionUsers(t.app, dir, 3, 'backlog');
      await sub.waitFor((rs) => rs.length === 1, 20000, 'the first delivery, held');
      const rotated = await request(t.app)
        .post(`/api/v1/webhook-endpoints/${endpoint.id}/secret`)
        .set('Authorization', `Bearer ${ADMIN_KEY}`);
      expect(rotated.status).toBe(200);
      release();
      await sub.waitFor((rs) => rs.filter((r) => r.status === 200).length === 4);
      const [first, ...later] = sub.requests;
      expect(verifyWebhook(first.body, signature(first), endpoint.secret).ok).toBe(true);
      for (const r of later) expect(verifyWebhook(r.body, signature(r), rotated.body.secret).ok).toBe(true);
    } finally {
      release();
      await sub.close();
    }
  });
});
