import zlib from 'node:zlib';
import request from 'supertest';
import { makeDirectory } from '../support/factories';
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, scimClient, scimError } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';
import { directorySnapshot } from './directorySnapshot';

/**
 * Hostile SCIM input (issue 11): each class answers a 4xx with an RFC 7644 §3.12 body,
 * never a 500, and writes nothing — the directory's rows are the same before and after.
 * hostileInput.property.test.ts generates many more of each class.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(process.env.DEBUG_LOG ? { LOG_LEVEL: 'error' } : {});
});
afterAll(() => t.close());

type Directory = Awaited<ReturnType<typeof makeDirectory>>;
type Raw = { method: 'get' | 'post' | 'put' | 'patch' | 'delete'; path: string; body?: string | Buffer; headers?: Record<string, string> };

/** A directory with one user in one group, and a way to send raw requests to it. */
async function seeded() {
  const directory = await makeDirectory(t.app);
  const c = scimClient(t.app, directory);
  const user = (await c.post('/Users', { schemas: [USER_SCHEMA], userName: 'pat@acme.test', name: { givenName: 'Pat' } })).body;
  const group = (await c.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Staff', members: [{ value: user.id }] })).body;
  return { directory, c, user: user as { id: string }, group: group as { id: string } };
}

function send(directory: Directory, r: Raw) {
  let req = request(t.app)[r.method](`/scim/v2/${directory.id}${r.path}`).set('Authorization', `Bearer ${directory.bearer_token}`);
  // As sent: superagent would otherwise JSON-encode a Buffer for a +json media type.
  if (r.body !== undefined) req = req.set('Content-Type', 'application/scim+json').serialize((body: unknown) => body as string);
  for (const [name, value] of Object.entries(r.headers ?? {})) req = req.set(name, value);
  return r.body === undefined ? req : req.send(r.body);
}

/** Sends each request and expects the error, with the directory unchanged afterwards. */
async function expectRefused(directory: Directory, requests: Raw[], status: number, scimType?: string) {
  const before = await directorySnapshot(t.dataSource, directory.id);
  for (const r of requests) {
    const res = await send(directory, r);
    expect({ request: r, status: res.status, body: res.body }).toEqual({ request: r, status, body: scimError(status, scimType) });
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  }
  expect(await directorySnapshot(t.dataSource, directory.id)).toEqual(before);
}

const json = (text: string) => text;
const patchOf = (operation: string) => `{"schemas":["${PATCH_OP}"],"Operations":[${operation}]}`;

test('lone and reversed UTF-16 surrogates in any string are 400 invalidValue', async () => {
  const { directory, user, group } = await seeded();
  const bad = ['a\\ud800b', '\\udc00', '\\udc00\\ud800', 'x\\ud83d'];
  const requests: Raw[] = bad.flatMap((s) => [
    { method: 'post', path: '/Users', body: json(`{"schemas":["${USER_SCHEMA}"],"userName":"${s}"}`) },
    { method: 'post', path: '/Users', body: json(`{"schemas":["${USER_SCHEMA}"],"userName":"ok-${user.id}","externalId":"${s}"}`) },
    { method: 'put', path: `/Users/${user.id}`, body: json(`{"schemas":["${USER_SCHEMA}"],"userName":"pat@acme.test","displayName":"${s}"}`) },
    { method: 'patch', path: `/Users/${user.id}`, body: patchOf(`{"op":"replace","path":"displayName","value":"${s}"}`) },
    { method: 'patch', path: `/Groups/${group.id}`, body: patchOf(`{"op":"replace","value":{"displayName":"${s}"}}`) },
    { method: 'post', path: '/Groups', body: json(`{"schemas":["${GROUP_SCHEMA}"],"displayName":"G","${s}":"key"}`) },
  ]);
  await expectRefused(directory, requests, 400, 'invalidValue');
});

test('NUL in values and keys is 400 invalidValue; in a filter literal 400 invalidFilter', async () => {
  const { directory, user } = await seeded();
  await expectRefused(
    directory,
    [
      { method: 'post', path: '/Users', body: json(`{"schemas":["${USER_SCHEMA}"],"userName":"nul\\u0000@acme.test"}`) },
      { method: 'post', path: '/Users', body: json(`{"schemas":["${USER_SCHEMA}"],"userName":"nul@acme.test","x\\u0000":"1"}`) },
      { method: 'patch', path: `/Users/${user.id}`, body: patchOf(`{"op":"add","path":"title","value":"\\u0000"}`) },
      { method: 'patch', path: `/Users/${user.id}`, body: patchOf(`{"op":"replace","path":"display\\u0000Name","value":"x"}`) },
    ],
    400,
    'invalidValue',
  );
  await expectRefused(
    directory,
    [
      { method: 'get', path: `/Users?filter=${encodeURIComponent('userName eq "a\u0000"')}` },
      { method: 'get', path: `/Users?filter=${encodeURIComponent('userName eq "a\\u0000"')}` },
      { method: 'post', path: '/Users/.search', body: json(`{"filter":"userName eq \\"\\\\u0000\\""}`) },
    ],
    400,
    'invalidFilter',
  );
});

test('a path that does not percent-decode is 400 invalidValue, in the id and in the directory', async () => {
  const { directory } = await seeded();
  await expectRefused(
    directory,
    ['/Users/a%zz', '/Users/%C0%80', '/Groups/%ED%A0%80', '/Users/%'].flatMap((path): Raw[] => [
      { method: 'get', path },
      { method: 'delete', path },
      { method: 'patch', path, body: patchOf('{"op":"replace","path":"displayName","value":"x"}') },
    ]),
    400,
    'invalidValue',
  );
  const res = await request(t.app).get('/scim/v2/a%zz/Users').set('Authorization', `Bearer ${directory.bearer_token}`);
  expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: scimError(400, 'invalidValue') });
});

test('a body that does not inflate as its Content-Encoding says is 400 invalidSyntax', async () => {
  const { directory, user } = await seeded();
  const body = Buffer.from(`{"schemas":["${USER_SCHEMA}"],"userName":"zip@acme.test"}`);
  await expectRefused(
    directory,
    [
      { method: 'post', path: '/Users', body: Buffer.from('not gzip at all'), headers: { 'Content-Encoding': 'gzip' } },
      { method: 'post', path: '/Users', body: zlib.gzipSync(body).subarray(0, 20), headers: { 'Content-Encoding': 'gzip' } },
      { method: 'put', path: `/Users/${user.id}`, body: zlib.deflateSync(body).subarray(0, 10), headers: { 'Content-Encoding': 'deflate' } },
      { method: 'post', path: '/Users', body: zlib.deflateSync(body), headers: { 'Content-Encoding': 'gzip' } },
    ],
    400,
    'invalidSyntax',
  );
  // A body that does inflate is accepted as before.
  const ok = await send(directory, { method: 'post', path: '/Users', body: zlib.gzipSync(body), headers: { 'Content-Encoding': 'gzip' } });
  expect(ok.status).toBe(201);
});

test('JSON nested thousands of levels deep is 400 invalidSyntax', async () => {
  const { directory, user, group } = await seeded();
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  await expectRefused(
    directory,
    [
      { method: 'post', path: '/Users', body: json(`{"schemas":["${USER_SCHEMA}"],"userName":"deep@acme.test","x":${deep(5000)}}`) },
      { method: 'post', path: '/Users', body: json(`{"schemas":["${USER_SCHEMA}"],"userName":"deep@acme.test","name":${deepObject(5000)}}`) },
      { method: 'patch', path: `/Users/${user.id}`, body: patchOf(`{"op":"add","path":"x","value":${deep(3000)}}`) },
      { method: 'put', path: `/Groups/${group.id}`, body: json(`{"schemas":["${GROUP_SCHEMA}"],"displayName":"Staff","members":${deep(40)}}`) },
      { method: 'post', path: '/Users/.search', body: deep(100000) },
    ],
    400,
    'invalidSyntax',
  );
});

test('malformed projection parameters are 400 invalidValue', async () => {
  const { directory, user } = await seeded();
  const queries = [
    'attributes=,,,',
    'attributes=',
    'attributes=name..givenName',
    'attributes=__proto__',
    'attributes=name.__proto__',
    'excludedAttributes=__proto__',
    'attributes=userName&attributes=name',
    'attributes[__proto__]=x',
    'excludedAttributes=emails[type',
    'attributes=name.givenName.x',
  ];
  await expectRefused(
    directory,
    queries.flatMap((q): Raw[] => [
      { method: 'get', path: `/Users?${q}` },
      { method: 'get', path: `/Users/${user.id}?${q}` },
      { method: 'patch', path: `/Users/${user.id}?${q}`, body: patchOf('{"op":"replace","path":"title","value":"x"}') },
    ]),
    400,
    'invalidValue',
  );
  // The PATCH above was refused for its projection before it ran: the snapshot proves it.
});

test('filters that start or end with an operator or compare literals are 400 invalidFilter', async () => {
  const { directory } = await seeded();
  const filters = ['eq "a"', 'and userName pr', 'userName pr and', 'userName eq', 'or', '"a" eq "a"', '1 eq 1', 'true eq true', 'userName eq "a" or not', '()'];
  await expectRefused(
    directory,
    filters.flatMap((filter): Raw[] => [
      { method: 'get', path: `/Users?filter=${encodeURIComponent(filter)}` },
      { method: 'post', path: '/Groups/.search', body: JSON.stringify({ filter }) },
    ]),
    400,
    'invalidFilter',
  );
});

test('an empty string where a value is required is 400 invalidValue', async () => {
  const { directory, user, group } = await seeded();
  await expectRefused(
    directory,
    [
      { method: 'put', path: `/Users/${user.id}`, body: JSON.stringify({ schemas: [USER_SCHEMA], userName: '' }) },
      { method: 'post', path: '/Users', body: JSON.stringify({ schemas: [USER_SCHEMA], userName: '' }) },
      { method: 'patch', path: `/Users/${user.id}`, body: patchOf('{"op":"replace","path":"userName","value":""}') },
      { method: 'post', path: '/Groups', body: JSON.stringify({ schemas: [GROUP_SCHEMA], displayName: '' }) },
      { method: 'patch', path: `/Groups/${group.id}`, body: patchOf('{"op":"replace","value":{"displayName":""}}') },
    ],
    400,
    'invalidValue',
  );
});

test('found by the generated test: members that name no one are 400 invalidValue; replace with null unassigns (RFC 7643 §2.5)', async () => {
  const { directory, c, group } = await seeded();
  await expectRefused(
    directory,
    [
      { method: 'patch', path: `/Groups/${group.id}`, body: patchOf('{"op":"add","path":"members","value":[null]}') },
      { method: 'patch', path: `/Groups/${group.id}`, body: patchOf('{"op":"add","path":"members","value":[42]}') },
      { method: 'put', path: `/Groups/${group.id}`, body: JSON.stringify({ schemas: [GROUP_SCHEMA], displayName: 'Staff', members: [null] }) },
      { method: 'post', path: '/Groups', body: JSON.stringify({ schemas: [GROUP_SCHEMA], displayName: 'New', members: ['x'] }) },
    ],
    400,
    'invalidValue',
  );
  const emptied = await send(directory, { method: 'patch', path: `/Groups/${group.id}`, body: patchOf('{"op":"Replace","path":"members","value":null}') });
  expect(emptied.status).toBe(200);
  expect(emptied.body.members).toEqual([]);
  expect((await c.get(`/Groups/${group.id}`)).body.members).toEqual([]);
});
