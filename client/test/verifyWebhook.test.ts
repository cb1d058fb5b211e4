import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { WebhookVerificationError, signWebhook, verifyWebhook } from '../src/verifyWebhook.js';
import { unwrap } from '../src/apiError.js';
import { makeTenant, scimFor } from './support/dsyncFixtures.js';
import { startSubscriber } from '../../test/support/subscriber';

const SECRET = 'whsec_test_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';
const OTHER = 'whsec_test_other_0123456789abcdefghijklmnopqrstuvwxyzA';
const BODY = JSON.stringify({ object: 'event', id: 'event_01M80XA9W6H76CYG4VC44DFPJ4', type: 'user.created', position: 7, data: {} });
const T = 1_800_000_000;
const at = (seconds: number) => () => seconds * 1000;

function rejectsWith(code: WebhookVerificationError['code'], run: () => unknown) {
  assert.throws(run, (err: unknown) => {
    assert.ok(err instanceof WebhookVerificationError, `expected a WebhookVerificationError, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  });
}

describe('verifyWebhook', () => {
  const header = `t=${T},v1=${createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex')}`;

  test('returns the parsed event for a string or Buffer body and one secret or several', () => {
    const expected = JSON.parse(BODY);
    assert.deepEqual(verifyWebhook(BODY, header, SECRET, { now: at(T) }), expected);
    assert.deepEqual(verifyWebhook(Buffer.from(BODY), header, SECRET, { now: at(T) }), expected);
    assert.deepEqual(verifyWebhook(BODY, header, [OTHER, SECRET], { now: at(T) }), expected);
  });

  test('accepts any of several v1 signatures (a rotation overlap)', () => {
    const both = signWebhook(BODY, [OTHER, SECRET], { timestamp: T });
    assert.match(both, /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    assert.equal(verifyWebhook(BODY, both, SECRET, { now: at(T) }).id, 'event_01M80XA9W6H76CYG4VC44DFPJ4');
    assert.equal(verifyWebhook(BODY, both, OTHER, { now: at(T) }).id, 'event_01M80XA9W6H76CYG4VC44DFPJ4');
  });

  test('bad_signature: wrong secret, changed body, or a signature of another timestamp', () => {
    rejectsWith('bad_signature', () => verifyWebhook(BODY, header, OTHER, { now: at(T) }));
    rejectsWith('bad_signature', () => verifyWebhook(BODY.replace('"position":7', '"position":8'), header, SECRET, { now: at(T) }));
    rejectsWith('bad_signature', () => verifyWebhook(BODY, header.replace(`t=${T}`, `t=${T + 1}`), SECRET, { now: at(T) }));
    rejectsWith('bad_signature', () => verifyWebhook(BODY, `t=${T},v1=not-hex`, SECRET, { now: at(T) }));
  });

  test('timestamp_out_of_tolerance: older or newer than the tolerance (default 300 s)', () => {
    assert.equal(verifyWebhook(BODY, header, SECRET, { now: at(T + 300) }).position, 7);
    assert.equal(verifyWebhook(BODY, header, SECRET, { now: at(T - 300) }).position, 7);
    rejectsWith('timestamp_out_of_tolerance', () => verifyWebhook(BODY, header, SECRET, { now: at(T + 301) }));
    rejectsWith('timestamp_out_of_tolerance', () => verifyWebhook(BODY, header, SECRET, { now: at(T - 301) }));
    rejectsWith('timestamp_out_of_tolerance', () => verifyWebhook(BODY, header, SECRET, { now: at(T + 11), toleranceSeconds: 10 }));
  });

  test('malformed_header: missing, without t, without v1, or not key=value pairs', () => {
    for (const bad of [undefined, null, '', 'v1=abc', `t=${T}`, `t=soon,v1=abc`, `t=${T},t=${T},v1=abc`, 'garbage', `t=${T},,v1=abc`]) {
      rejectsWith('malformed_header', () => verifyWebhook(BODY, bad, SECRET, { now: at(T) }));
    }
  });

  test('refuses to run without a secret', () => {
    assert.throws(() => verifyWebhook(BODY, header, [], { now: at(T) }), TypeError);
    assert.throws(() => verifyWebhook(BODY, header, '', { now: at(T) }), TypeError);
  });
});

describe('a real delivery', () => {
  const subscribers: { close(): Promise<void> }[] = [];
  after(() => Promise.all(subscribers.map((s) => s.close())));

  test('verifies with the endpoint secret, and fails with another', async () => {
    const sub = await startSubscriber();
    subscribers.push(sub);
    const tenant = await makeTenant();
    const endpoint = unwrap(
      await tenant.admin.api.POST('/api/v1/webhook-endpoints', {
        body: { environment_id: tenant.environment.id, url: sub.url, events: ['user.created'] },
      }),
    );
    await scimFor(tenant.directory).createUser('ada@acme.test', 'Ada', 'Lovelace');
    await sub.waitFor((r) => r.length >= 1);
    const delivery = { body: sub.received[0].body, headers: sub.received[0].headers as Record<string, string> };

    const event = verifyWebhook(delivery.body, delivery.headers['dsync-signature'], endpoint.secret);
    assert.equal(event.type, 'user.created');
    assert.equal(event.id, delivery.headers['dsync-event-id']);
    if (event.type === 'user.created') assert.equal(event.data.username, 'ada@acme.test');
    rejectsWith('bad_signature', () => verifyWebhook(delivery.body, delivery.headers['dsync-signature'], OTHER));
    rejectsWith('timestamp_out_of_tolerance', () =>
      verifyWebhook(delivery.body, delivery.headers['dsync-signature'], endpoint.secret, { now: () => Date.now() + 301_000 }),
    );
  });
});
