import { Express } from 'express';
import request from 'supertest';

/** A SCIM client bound to one directory: its path prefix and bearer token, like an IdP's provisioning job. */
export function scimClient(app: Express, directory: { id: string; bearer_token: string }) {
  const prefix = `/scim/v2/${directory.id}`;
  const auth = { Authorization: `Bearer ${directory.bearer_token}` };
  const json = { 'Content-Type': 'application/scim+json' };
  return {
    prefix,
    get: (path: string) => request(app).get(`${prefix}${path}`).set(auth),
    post: (path: string, body: unknown, contentType = json['Content-Type']) =>
      request(app).post(`${prefix}${path}`).set(auth).set('Content-Type', contentType).send(JSON.stringify(body)),
    put: (path: string, body: unknown) =>
      request(app).put(`${prefix}${path}`).set(auth).set(json).send(JSON.stringify(body)),
    patch: (path: string, body: unknown) =>
      request(app).patch(`${prefix}${path}`).set(auth).set(json).send(JSON.stringify(body)),
    delete: (path: string) => request(app).delete(`${prefix}${path}`).set(auth),
  };
}

/** The RFC 7644 §3.12 error body we expect for a status and scimType. */
export function scimError(status: number, scimType?: string) {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: String(status),
    ...(scimType ? { scimType } : {}),
    detail: expect.any(String),
  };
}

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
