import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { unwrap } from '../src/apiError.js';
import { WebhookVerificationError, verifyWebhook } from '../src/verifyWebhook.js';
import { startSubscriber } from '../../test/support/subscriber';
import { makeTenant, scimFor } from './support/dsyncFixtures.js';

/*
 * A subscriber rolling its secret: after a rotation with an overlap, deliveries carry a
 * signature for each secret, so both the old and the new secret verify; once the overlap
 * is ended, only the new one does.
 */

const subscribers: { close(): Promise<void> }[] = [];
after(() => Promise.all(subscribers.map((s) => s.close())));

test('old and new secrets both verify during the overlap; only the new one after it ends', async () => {
  const sub = await startSubscriber();
  subscribers.push(sub);
  const tenant = await makeTenant();
  const { admin } = tenant;
  const created = unwrap(
    await admin.api.POST('/api/v1/webhook-endpoints', { body: { environment_id: tenant.environment.id, url: sub.url, events: ['user.created'] } }),
  );
  const oldSecret = created.secret;
  const id = created.id;

  const rotated = unwrap(await admin.api.POST('/api/v1/webhook-endpoints/{id}/secret', { params: { path: { id } }, body: { overlap: 'PT1H' } }));
  const newSecret = rotated.secret;
  assert.notEqual(newSecret, oldSecret);
  assert.equal(rotated.previous_secret_prefix, oldSecret.slice(0, 10));
  assert.ok(rotated.previous_secret_expires_at && Date.parse(rotated.previous_secret_expires_at) > Date.now());

  const scim = scimFor(tenant.directory);
  await scim.createUser('ada@acme.test');
  await sub.waitFor((r) => r.length >= 1);
  const during = sub.received[0];
  const duringHeader = String(during.headers['dsync-signature']);
  assert.equal(duringHeader.match(/v1=/g)?.length, 2);
  for (const secrets of [oldSecret, newSecret, [newSecret, oldSecret]]) {
    assert.equal(verifyWebhook(during.body, duringHeader, secrets).type, 'user.created');
  }

  const ended = unwrap(await admin.api.DELETE('/api/v1/webhook-endpoints/{id}/previous-secret', { params: { path: { id } } }));
  assert.deepEqual([ended.previous_secret_prefix, ended.previous_secret_expires_at], [null, null]);

  await scim.createUser('grace@acme.test');
  await sub.waitFor((r) => r.length >= 2);
  const afterwards = sub.received[1];
  const afterHeader = String(afterwards.headers['dsync-signature']);
  assert.equal(afterHeader.match(/v1=/g)?.length, 1);
  assert.equal(verifyWebhook(afterwards.body, afterHeader, newSecret).type, 'user.created');
  assert.equal(verifyWebhook(afterwards.body, afterHeader, [newSecret, oldSecret]).type, 'user.created');
  assert.throws(() => verifyWebhook(afterwards.body, afterHeader, oldSecret), (err: unknown) => {
    assert.ok(err instanceof WebhookVerificationError);
    assert.equal(err.code, 'bad_signature');
    return true;
  });
});
