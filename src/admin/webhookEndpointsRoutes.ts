import { Router } from 'express';
import { z } from 'zod';
import {
  createWebhookEndpoint,
  createWebhookEndpointInput,
  webhookSettings,
} from '../webhooks/createWebhookEndpoint';
import { deleteWebhookEndpoint } from '../webhooks/deleteWebhookEndpoint';
import { findWebhookEndpoint } from '../webhooks/findWebhookEndpoint';
import { listWebhookDeliveries, listWebhookDeliveriesInput } from '../webhooks/listWebhookDeliveries';
import { listWebhookEndpoints } from '../webhooks/listWebhookEndpoints';
import { retryWebhookDelivery } from '../webhooks/retryWebhookDelivery';
import { endWebhookSecretOverlap } from '../webhooks/endWebhookSecretOverlap';
import { rotateWebhookSecret, rotateWebhookSecretInput } from '../webhooks/rotateWebhookSecret';
import { updateWebhookEndpoint, updateWebhookEndpointInput } from '../webhooks/updateWebhookEndpoint';
import { presentWebhookDelivery, presentWebhookEndpoint } from '../webhooks/presentWebhookEndpoint';
import { listParams, parseInput } from '../validation';
import { AdminDeps } from './deps';
import { route, runCommand } from './edge';

const endpointListParams = listParams.extend({ environment_id: z.string().min(1).optional() }).strict();

/** /api/v1/webhook-endpoints: subscriptions, their signing secrets, and their deliveries. */
export function webhookEndpointsRoutes(deps: AdminDeps): Router {
  const r = Router();
  const settings = webhookSettings(deps.config);

  r.post(
    '/webhook-endpoints',
    route(async (req, res) => {
      const input = parseInput(createWebhookEndpointInput, req.body);
      const { endpoint, secret } = await runCommand(deps, req, (ctx) => createWebhookEndpoint(ctx, input, settings));
      res.status(201).json({ ...presentWebhookEndpoint(endpoint), secret });
    }),
  );

  r.get(
    '/webhook-endpoints',
    route(async (req, res) => {
      const { environment_id, ...params } = parseInput(endpointListParams, req.query);
      const page = await runCommand(deps, req, (ctx) =>
        listWebhookEndpoints(ctx, { ...params, environmentId: environment_id }),
      );
      res.json({ data: page.rows.map(presentWebhookEndpoint), list_metadata: { after: page.after } });
    }),
  );

  r.get(
    '/webhook-endpoints/:id',
    route(async (req, res) => {
      const endpoint = await runCommand(deps, req, (ctx) => findWebhookEndpoint(ctx, req.params.id));
      res.json(presentWebhookEndpoint(endpoint));
    }),
  );

  r.patch(
    '/webhook-endpoints/:id',
    route(async (req, res) => {
      const input = parseInput(updateWebhookEndpointInput, req.body);
      const endpoint = await runCommand(deps, req, (ctx) => updateWebhookEndpoint(ctx, req.params.id, input, settings));
      res.json(presentWebhookEndpoint(endpoint));
    }),
  );

  r.delete(
    '/webhook-endpoints/:id',
    route(async (req, res) => {
      await runCommand(deps, req, (ctx) => deleteWebhookEndpoint(ctx, req.params.id));
      res.status(204).end();
    }),
  );

  r.post(
    '/webhook-endpoints/:id/secret',
    route(async (req, res) => {
      const input = parseInput(rotateWebhookSecretInput, req.body);
      const { endpoint, secret } = await runCommand(deps, req, (ctx) => rotateWebhookSecret(ctx, req.params.id, input, settings));
      res.json({ ...presentWebhookEndpoint(endpoint), secret });
    }),
  );

  r.delete(
    '/webhook-endpoints/:id/previous-secret',
    route(async (req, res) => {
      const endpoint = await runCommand(deps, req, (ctx) => endWebhookSecretOverlap(ctx, req.params.id));
      res.json(presentWebhookEndpoint(endpoint));
    }),
  );

  r.get(
    '/webhook-endpoints/:id/deliveries',
    route(async (req, res) => {
      const input = parseInput(listWebhookDeliveriesInput, req.query);
      const page = await runCommand(deps, req, (ctx) => listWebhookDeliveries(ctx, req.params.id, input));
      res.json({ data: page.rows.map(presentWebhookDelivery), list_metadata: { after: page.after } });
    }),
  );

  r.post(
    '/webhook-endpoints/:id/deliveries/:deliveryId/retry',
    route(async (req, res) => {
      const delivery = await runCommand(deps, req, (ctx) =>
        retryWebhookDelivery(ctx, req.params.id, req.params.deliveryId),
      );
      res.json(presentWebhookDelivery(delivery));
    }),
  );

  return r;
}
