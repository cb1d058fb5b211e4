import os from 'node:os';
import { Express } from 'express';
import request from 'supertest';
import { runCli } from '../../src/cli/runCli';
import { ADMIN_KEY, PUBLIC_URL } from '../support/testApp';

/** What one CLI run returned and wrote. */
export type Run = { status: number; stdout: string; stderr: string };

/** The environment the CLI runs with: the test database and the test app's public URL. */
export const cliEnv = { DATABASE_URL: process.env.DATABASE_URL, PUBLIC_URL };
/** The actor the audit log records for this user's CLI runs. */
export const cliActor = `cli:${os.userInfo().username}`;
/** Matches an ISO-8601 timestamp as the presenters write it. */
export const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

let counter = 0;
/** A name no other test (or earlier run) uses. */
export const unique = (label: string) => `${label} ${process.pid}-${++counter}-${Date.now().toString(36)}`;

/** Runs the CLI in-process and captures what it writes. */
export async function cli(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
  const status = await runCli(argv, io, cliEnv);
  return { status, stdout, stderr };
}

/** Runs a command with --json, expects success with nothing on stderr, and returns the parsed output. */
export async function cliJson(...argv: string[]) {
  const run = await cli(...argv, '--json');
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  return JSON.parse(run.stdout);
}

/** Runs a command in table form, expects success with nothing on stderr, and returns stdout. */
export async function cliTable(...argv: string[]): Promise<string> {
  const run = await cli(...argv);
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  return run.stdout;
}

/** The cells of every row of the box-drawn tables in the output, header rows included. */
export function cells(output: string): string[][] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('│'))
    .map((line) => line.split('│').slice(1, -1).map((c) => c.trim()));
}

/** The lines of the output outside its tables. */
export function notes(output: string): string[] {
  return output.split('\n').filter((line) => line !== '' && !/^[│┌├└]/.test(line));
}

/** The admin API's answer to a GET, to compare with the CLI's --json output. */
export async function apiGet(app: Express, url: string, key = ADMIN_KEY) {
  const res = await request(app).get(url).set('Authorization', `Bearer ${key}`);
  return { status: res.status, body: res.body };
}

/** The status the SCIM endpoint answers for ServiceProviderConfig under `scimUrl` with this token. */
export async function scimStatus(app: Express, scimUrl: string, token: string): Promise<number> {
  const res = await request(app)
    .get(`${new URL(scimUrl).pathname}/ServiceProviderConfig`)
    .set('Authorization', `Bearer ${token}`);
  return res.status;
}
