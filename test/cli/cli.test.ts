import { execFile } from 'node:child_process';
import path from 'node:path';
import { runCli } from '../../src/cli/runCli';
import { TestApp, createTestApp } from '../support/testApp';
import { apiGet, cells, cli, cliActor, cliEnv, cliJson, cliTable, iso, notes, unique } from './cliRun';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const REPO = path.resolve(__dirname, '../..');
const ABSENT_ENV = 'env_00000000000000000000000000';

describe('environments', () => {
  test('create and show print a table, and with --json exactly what the API answers', async () => {
    const name = unique('env');
    const created = await cliJson('environments', 'create', '--name', name, '--inactive-policy', 'retain');
    expect(created).toEqual({
      object: 'environment',
      id: expect.stringMatching(/^env_[0-9A-Z]{26}$/),
      name,
      inactive_policy: 'retain',
      created_at: iso,
      updated_at: created.created_at,
    });
    expect(await apiGet(t.app, `/api/v1/environments/${created.id}`)).toEqual({ status: 200, body: created });
    expect(await cliJson('environments', 'show', created.id)).toEqual(created);
    expect(cells(await cliTable('environments', 'show', created.id))).toEqual([
      ['id', created.id],
      ['name', name],
      ['inactive_policy', 'retain'],
      ['created_at', created.created_at],
      ['updated_at', created.updated_at],
    ]);

    const tableName = unique('env');
    const out = await cliTable('environments', 'create', '--name', tableName);
    const id = cells(out)[0][1];
    const api = (await apiGet(t.app, `/api/v1/environments/${id}`)).body;
    expect(cells(out)).toEqual([
      ['id', id],
      ['name', tableName],
      ['inactive_policy', 'secure'],
      ['created_at', api.created_at],
      ['updated_at', api.updated_at],
    ]);
    expect(notes(out)).toEqual([]);
  });

  test('list pages with --limit and --after as the API does', async () => {
    // Other test files create environments concurrently, so the page is compared with the API's.
    const first = await cliJson('environments', 'create', '--name', unique('env'));
    await cliJson('environments', 'create', '--name', unique('env'));
    await cliJson('environments', 'create', '--name', unique('env'));
    const page = await cliJson('environments', 'list', '--after', first.id, '--limit', '1');
    expect(await apiGet(t.app, `/api/v1/environments?after=${first.id}&limit=1`)).toEqual({ status: 200, body: page });
    const [next] = page.data;
    expect(next.id > first.id).toBe(true);
    expect(page).toEqual({ data: [next], list_metadata: { after: next.id } });

    const out = await cliTable('environments', 'list', '--after', first.id, '--limit', '1');
    expect(cells(out)).toEqual([
      ['id', 'name', 'inactive_policy', 'created_at'],
      [next.id, next.name, next.inactive_policy, next.created_at],
    ]);
    expect(notes(out)).toEqual([`More results: add --after ${next.id}`]);
  });

  test('the audit log names the CLI user as the actor', async () => {
    const env = await cliJson('environments', 'create', '--name', unique('env'));
    const rows = await t.dataSource.query(
      `SELECT environment_id, actor, action, target_type, target_id, details FROM audit_log WHERE target_id = $1`,
      [env.id],
    );
    expect(rows).toEqual([
      {
        environment_id: env.id,
        actor: cliActor,
        action: 'environment.created',
        target_type: 'environment',
        target_id: env.id,
        details: { name: env.name, inactive_policy: 'secure' },
      },
    ]);
  });
});

describe('errors', () => {
  const dir = ['directories', 'create', '--environment', ABSENT_ENV, '--name', 'd', '--organization', 'o'];
  test.each([
    [['environments', 'show', 'env_nope'], 'error: Environment not found'],
    [['environments', 'show', ABSENT_ENV], 'error: Environment not found'],
    [['directories', 'show', 'directory_nope'], 'error: Directory not found'],
    [['directories', 'rotate-token', 'directory_nope'], 'error: Directory not found'],
    [['directories', 'tokens', 'directory_nope'], 'error: Directory not found'],
    [['directories', 'revoke-token', 'directory_nope', 'scim_token_nope'], 'error: Directory not found'],
    [['api-keys', 'create', '--environment', ABSENT_ENV], 'error: Environment not found'],
    [[...dir, '--provider', 'okta'], 'error: Environment not found'],
    [['environments', 'create', '--name', '   '], 'error: --name: Too small: expected string to have >=1 characters'],
    [
      ['environments', 'create', '--name', 'x', '--inactive-policy', 'forever'],
      'error: --inactive-policy: Invalid option: expected one of "secure"|"retain"',
    ],
    [
      [...dir, '--provider', 'azure'],
      'error: --provider: Invalid option: expected one of "okta"|"entra"|"onelogin"|"jumpcloud"|"google"|"generic"',
    ],
    [
      [...dir, '--provider', 'okta', '--domain', 'ok.test', '--domain', 'not a domain'],
      'error: --domain: must be a domain name like example.com',
    ],
    [['environments', 'list', '--limit', '0'], 'error: --limit: Too small: expected number to be >=1'],
    [['environments', 'list', '--after', 'junk'], 'error: after is not a valid cursor'],
    [
      ['api-keys', 'create', '--environment', ABSENT_ENV, '--name', ''],
      'error: --name: Too small: expected string to have >=1 characters',
    ],
  ])('%j is refused with exit status 1', async (argv, message) => {
    for (const form of [[], ['--json']]) {
      expect(await cli(...argv, ...form)).toEqual({ status: 1, stdout: '', stderr: `${message}\n` });
    }
  });

  test.each([
    [['bogus'], "error: unknown command 'bogus'"],
    [['environments', 'create'], "error: required option '--name <name>' not specified"],
    [['environments', 'show'], "error: missing required argument 'id'"],
    [['environments', 'show', 'a', 'b'], "error: too many arguments for 'show'. Expected 1 argument but got 2."],
    [['environments', 'list', '--bogus'], "error: unknown option '--bogus'"],
    [
      ['directories', 'create', '--environment', 'e', '--name', 'n', '--provider', 'okta'],
      "error: required option '--organization <name>' not specified",
    ],
  ])('%j is a usage error with exit status 2', async (argv, message) => {
    expect(await cli(...argv)).toEqual({ status: 2, stdout: '', stderr: `${message}\n(add --help for usage)\n` });
  });

  test('no command prints the usage to stderr with exit status 2; --help prints it to stdout with 0', async () => {
    const none = await cli();
    expect({ status: none.status, stdout: none.stdout }).toEqual({ status: 2, stdout: '' });
    expect(none.stderr).toMatch(/^Usage: dsync \[options\] \[command\]\n/);
    const help = await cli('--help');
    expect(help).toEqual({ status: 0, stderr: '', stdout: none.stderr });
    for (const group of ['environments', 'directories', 'api-keys', 'admin-key']) {
      expect(help.stdout).toContain(`  ${group} `);
    }
  });

  test('revoking a token the directory does not have is refused', async () => {
    const env = await cliJson('environments', 'create', '--name', unique('env'));
    const d = await cliJson(
      'directories', 'create', '--environment', env.id, '--name', 'd', '--provider', 'okta', '--organization', 'o',
    );
    expect(await cli('directories', 'revoke-token', d.id, 'scim_token_nope')).toEqual({
      status: 1,
      stdout: '',
      stderr: 'error: Token not found\n',
    });
  });

  test('a bad configuration is reported with exit status 78 before any database work', async () => {
    let stdout = '';
    let stderr = '';
    const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
    const status = await runCli(['environments', 'list'], io, { ...cliEnv, DATABASE_URL: 'mysql://localhost/x' });
    expect({ status, stdout, stderr }).toEqual({
      status: 78,
      stdout: '',
      stderr: 'error: Invalid configuration:\n  DATABASE_URL: must be a postgres:// or postgresql:// URL\n',
    });
  });
});

describe('as a process', () => {
  /** Runs src/cli.ts in a child node process and collects its exit status and output. */
  function spawnCli(...argv: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli.ts', ...argv],
        { cwd: REPO, env: { ...process.env, DATABASE_URL: cliEnv.DATABASE_URL } },
        (_err, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }),
      );
    });
  }

  test('environments create --json prints the environment and exits 0; a refusal exits 1', async () => {
    const run = await spawnCli('environments', 'create', '--name', 'x', '--json');
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const env = JSON.parse(run.stdout);
    expect(env).toEqual({
      object: 'environment',
      id: expect.stringMatching(/^env_[0-9A-Z]{26}$/),
      name: 'x',
      inactive_policy: 'secure',
      created_at: iso,
      updated_at: env.created_at,
    });
    expect(await apiGet(t.app, `/api/v1/environments/${env.id}`)).toEqual({ status: 200, body: env });

    expect(await spawnCli('environments', 'show', ABSENT_ENV)).toEqual({
      status: 1,
      stdout: '',
      stderr: 'error: Environment not found\n',
    });
  });
});
