import { Express } from 'express';
import request from 'supertest';
import { ADMIN_KEY } from './testApp';

let counter = 0;
const unique = (label: string) => `${label} ${process.pid}-${++counter}-${Date.now().toString(36)}`;

/** Creates an environment through the admin API and returns its JSON. */
export async function makeEnvironment(app: Express, body: Record<string, unknown> = {}) {
  const res = await request(app)
    .post('/api/v1/environments')
    .set('Authorization', `Bearer ${ADMIN_KEY}`)
    .send({ name: unique('env'), ...body });
  if (res.status !== 201) throw new Error(`makeEnvironment: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; name: string; inactive_policy: string };
}

/** Creates an environment API key and returns the key itself. */
export async function makeApiKey(app: Express, environmentId: string): Promise<string> {
  const res = await request(app)
    .post(`/api/v1/environments/${environmentId}/api-keys`)
    .set('Authorization', `Bearer ${ADMIN_KEY}`)
    .send({ name: 'test key' });
  if (res.status !== 201) throw new Error(`makeApiKey: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.key as string;
}

/** Creates a directory (in a new environment unless one is given) and returns its JSON with the bearer token. */
export async function makeDirectory(app: Express, body: Record<string, unknown> = {}) {
  const environmentId = (body.environment_id as string | undefined) ?? (await makeEnvironment(app)).id;
  const res = await request(app)
    .post('/api/v1/directories')
    .set('Authorization', `Bearer ${ADMIN_KEY}`)
    .send({ name: unique('dir'), provider: 'okta', organization_name: 'Acme', domains: ['acme.test'], ...body, environment_id: environmentId });
  if (res.status !== 201) throw new Error(`makeDirectory: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; environment_id: string; scim_url: string; bearer_token: string };
}
