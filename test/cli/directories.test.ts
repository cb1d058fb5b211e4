import { PUBLIC_URL, TestApp, createTestApp } from '../support/testApp';
import { apiGet, cells, cli, cliJson, cliTable, iso, notes, scimStatus, unique } from './cliRun';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function newEnvironment(): Promise<string> {
  return (await cliJson('environments', 'create', '--name', unique('env'))).id;
}

test('directories create prints the SCIM URL and a bearer token the SCIM endpoint accepts', async () => {
  const envId = await newEnvironment();
  const name = unique('dir');
  const out = await cliTable(
    'directories', 'create', '--environment', envId, '--name', name, '--provider', 'entra',
    '--organization', 'Acme', '--domain', 'Acme.test', '--domain', 'acme.test', '--domain', 'b.test',
  );
  const id = cells(out)[0][1];
  const api = (await apiGet(t.app, `/api/v1/directories/${id}`)).body;
  expect(api.scim_url).toBe(`${PUBLIC_URL}/scim/v2/${id}`);
  expect(cells(out)).toEqual([
    ['id', id],
    ['environment_id', envId],
    ['name', name],
    ['organization_name', 'Acme'],
    ['provider', 'entra'],
    ['domains', 'acme.test, b.test'],
    ['state', 'active'],
    ['scim_url', api.scim_url],
    ['created_at', api.created_at],
    ['updated_at', api.updated_at],
  ]);
  const token = notes(out)[2].replace('bearer_token: ', '');
  expect(token).toMatch(/^dsync_scim_[A-Za-z0-9_-]{43}$/);
  expect(notes(out)).toEqual([
    "Give the identity provider's admin the SCIM URL and bearer token:",
    `scim_url: ${api.scim_url}`,
    `bearer_token: ${token}`,
    'Store this bearer_token now: it is shown only once.',
  ]);
  expect(await scimStatus(t.app, api.scim_url, token)).toBe(200);
});

test('directories create, show, list and tokens with --json answer exactly as the API does', async () => {
  const envId = await newEnvironment();
  const name = unique('dir');
  const { bearer_token: token, ...directory } = await cliJson(
    'directories', 'create', '--environment', envId, '--name', name, '--provider', 'okta', '--organization', 'Globex',
  );
  expect(directory).toEqual({
    object: 'directory',
    id: expect.stringMatching(/^directory_[0-9A-Z]{26}$/),
    environment_id: envId,
    name,
    organization_name: 'Globex',
    provider: 'okta',
    domains: [],
    state: 'active',
    scim_url: `${PUBLIC_URL}/scim/v2/${directory.id}`,
    created_at: iso,
    updated_at: directory.created_at,
  });
  expect(await scimStatus(t.app, directory.scim_url, token)).toBe(200);
  expect(await apiGet(t.app, `/api/v1/directories/${directory.id}`)).toEqual({ status: 200, body: directory });
  expect(await cliJson('directories', 'show', directory.id)).toEqual(directory);

  const { bearer_token: otherToken, ...other } = await cliJson(
    'directories', 'create', '--environment', envId, '--name', unique('dir'),
    '--provider', 'google', '--organization', 'Initech',
  );
  const list = await cliJson('directories', 'list', '--environment', envId);
  expect(list).toEqual({ data: [directory, other], list_metadata: { after: null } });
  expect(await apiGet(t.app, `/api/v1/directories?environment_id=${envId}`)).toEqual({ status: 200, body: list });
  const firstPage = await cliJson('directories', 'list', '--environment', envId, '--limit', '1');
  expect(firstPage).toEqual({ data: [directory], list_metadata: { after: directory.id } });
  expect(await cliJson('directories', 'list', '--environment', envId, '--after', directory.id)).toEqual({
    data: [other],
    list_metadata: { after: null },
  });

  const tokens = await cliJson('directories', 'tokens', directory.id);
  expect(tokens).toEqual({
    data: [
      {
        object: 'scim_token',
        id: expect.stringMatching(/^scim_token_[0-9A-Z]{26}$/),
        directory_id: directory.id,
        prefix: token.slice(0, 15),
        created_at: iso,
        revoked_at: null,
      },
    ],
    list_metadata: { after: null },
  });
  expect(await apiGet(t.app, `/api/v1/directories/${directory.id}/tokens`)).toEqual({ status: 200, body: tokens });

  // Reading, in either form, never prints a secret.
  for (const argv of [['show', directory.id], ['list', '--environment', envId], ['tokens', directory.id]]) {
    for (const form of [[], ['--json']]) {
      const run = await cli('directories', ...argv, ...form);
      expect(run.stdout).not.toContain(token);
      expect(run.stdout).not.toContain(otherToken);
    }
  }
});

test('directories list, show and tokens print tables', async () => {
  const envId = await newEnvironment();
  const dir = await cliJson(
    'directories', 'create', '--environment', envId, '--name', unique('dir'), '--provider', 'onelogin',
    '--organization', 'Umbrella', '--domain', 'umbrella.test',
  );
  const second = await cliJson(
    'directories', 'create', '--environment', envId, '--name', unique('dir'),
    '--provider', 'generic', '--organization', 'Soylent',
  );
  const listed = await cliTable('directories', 'list', '--environment', envId, '--limit', '1');
  expect(cells(listed)).toEqual([
    ['id', 'environment_id', 'name', 'provider', 'organization_name', 'state'],
    [dir.id, envId, dir.name, 'onelogin', 'Umbrella', 'active'],
  ]);
  expect(notes(listed)).toEqual([`More results: add --after ${dir.id}`]);
  const rest = await cliTable('directories', 'list', '--environment', envId, '--after', dir.id);
  expect(cells(rest)).toEqual([
    ['id', 'environment_id', 'name', 'provider', 'organization_name', 'state'],
    [second.id, envId, second.name, 'generic', 'Soylent', 'active'],
  ]);
  expect(notes(rest)).toEqual([]);

  const shown = await cliTable('directories', 'show', dir.id);
  expect(cells(shown)).toEqual([
    ['id', dir.id],
    ['environment_id', envId],
    ['name', dir.name],
    ['organization_name', 'Umbrella'],
    ['provider', 'onelogin'],
    ['domains', 'umbrella.test'],
    ['state', 'active'],
    ['scim_url', dir.scim_url],
    ['created_at', dir.created_at],
    ['updated_at', dir.updated_at],
  ]);
  expect(notes(shown)).toEqual([]);

  const [token] = (await cliJson('directories', 'tokens', dir.id)).data;
  expect(cells(await cliTable('directories', 'tokens', dir.id))).toEqual([
    ['id', 'prefix', 'created_at', 'revoked_at'],
    [token.id, dir.bearer_token.slice(0, 15), token.created_at, '-'],
  ]);
});

test('rotate-token adds a working token and revoke-token stops the old ones at once', async () => {
  const dir = await cliJson(
    'directories', 'create', '--environment', await newEnvironment(), '--name', unique('dir'),
    '--provider', 'jumpcloud', '--organization', 'Hooli',
  );
  const [first] = (await cliJson('directories', 'tokens', dir.id)).data;

  const rotated = await cliJson('directories', 'rotate-token', dir.id);
  expect(rotated).toEqual({
    object: 'scim_token',
    id: expect.stringMatching(/^scim_token_[0-9A-Z]{26}$/),
    directory_id: dir.id,
    prefix: rotated.bearer_token.slice(0, 15),
    created_at: iso,
    revoked_at: null,
    bearer_token: expect.stringMatching(/^dsync_scim_[A-Za-z0-9_-]{43}$/),
  });

  const out = await cliTable('directories', 'rotate-token', dir.id);
  const thirdToken = notes(out)[0].replace('bearer_token: ', '');
  const [third] = (await cliJson('directories', 'tokens', dir.id, '--after', rotated.id)).data;
  expect(cells(out)).toEqual([
    ['id', third.id],
    ['directory_id', dir.id],
    ['prefix', thirdToken.slice(0, 15)],
    ['created_at', third.created_at],
    ['revoked_at', '-'],
  ]);
  expect(notes(out)).toEqual([
    `bearer_token: ${thirdToken}`,
    'Store this bearer_token now: it is shown only once.',
    `Once the identity provider uses it, revoke the old token: dsync directories revoke-token ${dir.id} <token_id>`,
  ]);
  for (const token of [dir.bearer_token, rotated.bearer_token, thirdToken]) {
    expect(await scimStatus(t.app, dir.scim_url, token)).toBe(200);
  }

  const revoked = await cliJson('directories', 'revoke-token', dir.id, first.id);
  expect(revoked).toEqual({ ...first, revoked_at: iso });
  const revokedOut = await cliTable('directories', 'revoke-token', dir.id, rotated.id);
  const [, again] = (await cliJson('directories', 'tokens', dir.id)).data;
  expect(again.revoked_at).toEqual(iso);
  expect(cells(revokedOut)).toEqual([
    ['id', rotated.id],
    ['directory_id', dir.id],
    ['prefix', rotated.prefix],
    ['created_at', rotated.created_at],
    ['revoked_at', again.revoked_at],
  ]);
  expect(await scimStatus(t.app, dir.scim_url, dir.bearer_token)).toBe(401);
  expect(await scimStatus(t.app, dir.scim_url, rotated.bearer_token)).toBe(401);
  expect(await scimStatus(t.app, dir.scim_url, thirdToken)).toBe(200);
});
