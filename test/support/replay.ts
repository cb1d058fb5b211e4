import fs from 'node:fs';
import path from 'node:path';
import { Express } from 'express';
import request from 'supertest';

/** An identity provider whose recorded SCIM requests live under test/fixtures/<provider>/. */
export type Provider = 'okta' | 'entra';

/** One recorded request: method, path below the directory's SCIM base, headers and JSON body. */
export type RecordedRequest = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: unknown;
};

/** Values for the `{{name}}` placeholders of a fixture (ids only known once the test has created them). */
export type Placeholders = Record<string, string>;

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const PLACEHOLDER = /\{\{(\w+)\}\}/g;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Reads test/fixtures/<provider>/<name>.json and fills in its placeholders, in keys and
 * string values alike. A placeholder without a value is an error, so a fixture never
 * reaches the server with `{{…}}` left in it.
 */
export function loadRecording(provider: Provider, name: string, values: Placeholders = {}): RecordedRequest {
  const file = path.join(FIXTURES, provider, `${name}.json`);
  const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  const recording = substitute(parsed, values, file);
  if (!isRecording(recording)) throw new Error(`${file}: not a {method, path, headers, body} recording`);
  return recording;
}

/**
 * Sends a recorded request to a directory's SCIM endpoint exactly as the IdP did: the
 * recorded method, path (query string included) and content type, with the directory's
 * bearer token. `contentType` replaces the recorded one, for IdPs seen sending several.
 */
export function replay(
  app: Express,
  directory: { id: string; bearer_token: string },
  recording: RecordedRequest,
  options: { contentType?: string } = {},
): request.Test {
  const url = `/scim/v2/${directory.id}${recording.path}`;
  const agent = request(app);
  const test =
    recording.method === 'GET'
      ? agent.get(url)
      : recording.method === 'POST'
        ? agent.post(url)
        : recording.method === 'PUT'
          ? agent.put(url)
          : recording.method === 'PATCH'
            ? agent.patch(url)
            : agent.delete(url);
  test.set('Authorization', `Bearer ${directory.bearer_token}`);
  const contentType = options.contentType ?? headerOf(recording.headers, 'content-type');
  if (recording.body === undefined) return test;
  if (contentType !== undefined) test.set('Content-Type', contentType);
  // Sent as text so supertest neither re-serialises nor changes the recorded content type.
  return test.send(JSON.stringify(recording.body));
}

/** A reusable replayer bound to one app and directory: `send('okta', 'create-user', { … })`. */
export function replayer(app: Express, directory: { id: string; bearer_token: string }) {
  return (provider: Provider, name: string, values: Placeholders = {}, options: { contentType?: string } = {}) =>
    replay(app, directory, loadRecording(provider, name, values), options);
}

function substitute(node: unknown, values: Placeholders, file: string): unknown {
  if (typeof node === 'string') {
    return node.replace(PLACEHOLDER, (_m, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`${file}: no value for placeholder {{${key}}}`);
      return value;
    });
  }
  if (Array.isArray(node)) return node.map((item) => substitute(item, values, file));
  if (typeof node === 'object' && node !== null) {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [substitute(key, values, file), substitute(value, values, file)]),
    );
  }
  return node;
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function isRecording(value: unknown): value is RecordedRequest {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.method === 'string' &&
    METHODS.has(r.method) &&
    typeof r.path === 'string' &&
    r.path.startsWith('/') &&
    typeof r.headers === 'object' &&
    r.headers !== null
  );
}
