import request from 'supertest';
import { makeDirectory, makeEnvironment } from '../support/factories';
import { assertMatchesContract, requestBodyErrors } from '../support/openapi';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

/**
 * The documented request schemas and the server's own validation must agree: each
 * body below is sent to the real app and checked against openapi.yaml, and both must
 * give the verdict the table states (valid: anything but 400; invalid: 400).
 */

type Case = { body: unknown; valid: boolean; why: string };
type Target = { method: 'post' | 'patch'; path: () => Promise<string>; bodyFor?: (body: unknown) => Promise<unknown> };

const long = (n: number) => 'x'.repeat(n);
const domains = (n: number) => Array.from({ length: n }, (_, i) => `d${i}.example.com`);

const nameCases: Case[] = [
  { body: 'Production', valid: true, why: 'a plain name' },
  { body: '  Production  ', valid: true, why: 'surrounding whitespace is trimmed' },
  { body: 'Line\nbreak', valid: true, why: 'inner whitespace is kept' },
  { body: long(200), valid: true, why: '200 characters' },
  { body: ` ${long(200)}\t`, valid: true, why: '200 characters once trimmed' },
  { body: long(201), valid: false, why: '201 characters' },
  { body: '', valid: false, why: 'empty' },
  { body: '   ', valid: false, why: 'only whitespace' },
  { body: 'nul\u0000byte', valid: false, why: 'U+0000' },
  { body: 42, valid: false, why: 'not a string' },
  { body: null, valid: false, why: 'null' },
];

const tables: Record<string, { target: Target; cases: Case[] }> = {
  createEnvironment: {
    target: { method: 'post', path: async () => '/api/v1/environments' },
    cases: [
      ...nameCases.map((c) => ({ ...c, body: { name: c.body } })),
      { body: { name: 'a', inactive_policy: 'secure' }, valid: true, why: 'policy secure' },
      { body: { name: 'a', inactive_policy: 'retain' }, valid: true, why: 'policy retain' },
      { body: { name: 'a', inactive_policy: 'delete' }, valid: false, why: 'unknown policy' },
      { body: {}, valid: false, why: 'name is required' },
      { body: { name: 'a', colour: 'red' }, valid: false, why: 'unknown field' },
      { body: [{ name: 'a' }], valid: false, why: 'an array body' },
    ],
  },
  updateEnvironment: {
    target: { method: 'patch', path: async () => `/api/v1/environments/${(await makeEnvironment(app())).id}` },
    cases: [
      { body: {}, valid: true, why: 'nothing to change' },
      { body: { name: '  Renamed ' }, valid: true, why: 'a new name' },
      { body: { name: '' }, valid: false, why: 'an empty name' },
      { body: { name: null }, valid: false, why: 'a null name' },
      { body: { inactive_policy: 'retain' }, valid: false, why: 'a policy switch needs a reason' },
      { body: { reason: 'ticket 1' }, valid: false, why: 'a reason without a policy switch' },
      { body: { inactive_policy: 'retain', reason: 'ticket 1' }, valid: true, why: 'a policy switch with a reason' },
      { body: { inactive_policy: 'retain', reason: ` ${long(500)} ` }, valid: true, why: 'a 500-character reason' },
      { body: { inactive_policy: 'retain', reason: long(501) }, valid: false, why: 'a 501-character reason' },
      { body: { inactive_policy: 'retain', reason: '  ' }, valid: false, why: 'a blank reason' },
      { body: { inactive_policy: 'delete', reason: 'ticket 1' }, valid: false, why: 'an unknown policy' },
    ],
  },
  createApiKey: {
    target: {
      method: 'post',
      path: async () => `/api/v1/environments/${(await makeEnvironment(app())).id}/api-keys`,
    },
    cases: [
      { body: {}, valid: true, why: 'the name defaults' },
      { body: { name: 'ci' }, valid: true, why: 'a name' },
      { body: { name: long(201) }, valid: false, why: 'a long name' },
      { body: { name: 'ci', scope: 'admin' }, valid: false, why: 'the scope cannot be chosen' },
    ],
  },
  createDirectory: {
    target: {
      method: 'post',
      path: async () => '/api/v1/directories',
      // Each case gets a real environment unless it sets environment_id itself.
      bodyFor: async (body) => ({ environment_id: (await makeEnvironment(app())).id, ...(body as object) }),
    },
    cases: [
      { body: { name: 'd', provider: 'okta', organization_name: 'Acme' }, valid: true, why: 'no domains' },
      ...['okta', 'entra', 'onelogin', 'jumpcloud', 'google', 'generic'].map((provider) => ({
        body: { name: 'd', provider, organization_name: 'Acme' },
        valid: true,
        why: `provider ${provider}`,
      })),
      { body: { name: 'd', provider: 'azure', organization_name: 'Acme' }, valid: false, why: 'unknown provider' },
      { body: { name: 'd', provider: 'okta' }, valid: false, why: 'organization_name is required' },
      { body: { provider: 'okta', organization_name: 'Acme' }, valid: false, why: 'name is required' },
      {
        body: { name: 'd', provider: 'okta', organization_name: 'Acme', environment_id: '' },
        valid: false,
        why: 'empty environment_id',
      },
      {
        body: { name: 'd', provider: 'okta', organization_name: 'Acme', state: 'active' },
        valid: false,
        why: 'state is not set on create',
      },
      ...[
        { domains: ['example.com', 'a.b.example.co.uk', 'xn--bcher-kva.example'], valid: true, why: 'domain names' },
        { domains: [' Example.COM ', 'example.com'], valid: true, why: 'trimmed, lower-cased, duplicates' },
        { domains: [`${'a'.repeat(63)}.com`], valid: true, why: 'a 63-character label' },
        { domains: [`${'a'.repeat(64)}.com`], valid: false, why: 'a 64-character label' },
        { domains: [`${Array(64).fill('abc').join('.')}.com`], valid: false, why: 'over 253 characters' },
        { domains: domains(100), valid: true, why: '100 domains' },
        { domains: domains(101), valid: false, why: '101 domains' },
        { domains: ['localhost'], valid: false, why: 'a single label' },
        { domains: ['-a.com'], valid: false, why: 'a label starting with a hyphen' },
        { domains: ['a..com'], valid: false, why: 'an empty label' },
        { domains: ['example.c0m'], valid: false, why: 'a numeric top-level label' },
        { domains: ['user@example.com'], valid: false, why: 'an email address' },
        { domains: 'example.com', valid: false, why: 'not a list' },
      ].map(({ domains: d, valid, why }) => ({
        body: { name: 'd', provider: 'okta', organization_name: 'Acme', domains: d },
        valid,
        why,
      })),
    ],
  },
  updateDirectory: {
    target: { method: 'patch', path: async () => `/api/v1/directories/${(await makeDirectory(app())).id}` },
    cases: [
      { body: {}, valid: true, why: 'nothing to change' },
      { body: { state: 'disabled' }, valid: true, why: 'disable' },
      { body: { state: 'active', name: 'n', organization_name: 'o', domains: [] }, valid: true, why: 'every field' },
      { body: { state: 'deleted' }, valid: false, why: 'unknown state' },
      { body: { domains: null }, valid: false, why: 'null domains' },
      { body: { provider: 'okta' }, valid: false, why: 'the provider cannot change' },
      { body: { environment_id: 'env_x' }, valid: false, why: 'the environment cannot change' },
      { body: { organization_name: '' }, valid: false, why: 'an empty organization name' },
    ],
  },
  rotateWebhookEndpointSecret: {
    target: { method: 'post', path: async () => `/api/v1/webhook-endpoints/${await makeWebhookEndpoint()}/secret` },
    cases: [
      { body: {}, valid: true, why: 'the default overlap' },
      { body: { overlap: 'PT24H' }, valid: true, why: 'hours' },
      { body: { overlap: 'P1DT12H30M15S' }, valid: true, why: 'days, hours, minutes and seconds' },
      { body: { overlap: 'P1W' }, valid: true, why: 'a week' },
      { body: { overlap: 'PT0S' }, valid: true, why: 'no overlap' },
      { body: { overlap: 'P1M' }, valid: false, why: 'months (a calendar length)' },
      { body: { overlap: 'P' }, valid: false, why: 'no duration at all' },
      { body: { overlap: 'P1DT' }, valid: false, why: 'a T with no time after it' },
      { body: { overlap: 'PT1.5H' }, valid: false, why: 'a fraction' },
      { body: { overlap: '24h' }, valid: false, why: 'not ISO 8601' },
      { body: { overlap: 86400 }, valid: false, why: 'a number of seconds' },
      { body: { overlap: null }, valid: false, why: 'null' },
      { body: { grace: 'PT1H' }, valid: false, why: 'unknown field' },
    ],
  },
};

/** A webhook endpoint of a new environment; returns its id. */
async function makeWebhookEndpoint(): Promise<string> {
  const res = await request(app())
    .post('/api/v1/webhook-endpoints')
    .set('Authorization', `Bearer ${ADMIN_KEY}`)
    .send({ environment_id: (await makeEnvironment(app())).id, url: 'https://hooks.example.com/dsync' });
  if (res.status !== 201) throw new Error(`makeWebhookEndpoint: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

let t: TestApp;
const app = () => t.app;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe.each(Object.entries(tables))('%s request bodies', (operationId, { target, cases }) => {
  test.each(cases)('$why → valid: $valid', async ({ body, valid }) => {
    const path = await target.path();
    const sent = target.bodyFor ? await target.bodyFor(body) : body;
    const specErrors = requestBodyErrors(target.method, path, sent);
    const res = await request(t.app)
      [target.method](path)
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .send(sent as object);
    expect(assertMatchesContract(res, target.method, path).operationId).toBe(operationId);
    expect({ spec: specErrors.length === 0, server: res.status !== 400 }).toEqual({ spec: valid, server: valid });
  });
});
