import { verifyWebhook, WebhookVerificationError } from '@dsync/client';
import express, { type Router } from 'express';
import type { Pool } from 'pg';
import { applyEvent } from './applyEvent';
import { inTransaction } from './transaction';

/**
 * POST /webhooks/dsync: verifies the signature over the raw body, applies the event, and
 * answers 204. A refused signature is 400 (dsync retries, and the delivery shows why in
 * its `last_error`); a failure to apply is 500, so dsync delivers the event again later.
 */
export function webhookRoute(opts: { pool: Pool; schema: string; secrets: string[]; environmentId: string }): Router {
  const router = express.Router();
  router.post('/webhooks/dsync', express.raw({ type: 'application/json', limit: '1mb' }), async (req, res) => {
    if (!Buffer.isBuffer(req.body)) {
      res.status(415).json({ error: 'expected an application/json body' });
      return;
    }
    let event;
    try {
      event = verifyWebhook(req.body, req.header('Dsync-Signature'), opts.secrets);
    } catch (err) {
      if (err instanceof WebhookVerificationError) {
        res.status(400).json({ error: err.code });
        return;
      }
      throw err;
    }
    if (event.environment_id === opts.environmentId) {
      await inTransaction(opts.pool, (db) => applyEvent(db, opts.schema, event));
    }
    res.sendStatus(204);
  });
  return router;
}
