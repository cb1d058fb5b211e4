/*
 * Runs the client's tests against a real dsync: a scratch database (on DATABASE_URL's
 * server, or an embedded PostgreSQL), the server started from this repository as its own
 * process, then `node --test` over test/*.test.ts with DSYNC_URL, DSYNC_ADMIN_KEY and
 * DSYNC_DATABASE_URL (for tests that start a server of their own on the same database).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROCESS_ADMIN_KEY, createScratchDatabase, startDsyncProcess } from '../../test/support/serverProcess';

const CLIENT_ROOT = path.resolve(__dirname, '..');

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  const files = (only.length > 0 ? only : fs.readdirSync(path.join(CLIENT_ROOT, 'test')).filter((f) => f.endsWith('.test.ts')))
    .map((f) => path.join('test', path.basename(f)))
    .sort();
  const db = await createScratchDatabase('client');
  let server: Awaited<ReturnType<typeof startDsyncProcess>> | undefined;
  try {
    server = await startDsyncProcess({ databaseUrl: db.url });
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
      cwd: CLIENT_ROOT,
      env: { ...process.env, DSYNC_URL: server.url, DSYNC_ADMIN_KEY: PROCESS_ADMIN_KEY, DSYNC_DATABASE_URL: db.url },
      stdio: 'inherit',
    });
    const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
    if (code !== 0 && server.output().trim()) process.stderr.write(`\n-- dsync server output --\n${server.output()}\n`);
    return code;
  } finally {
    await server?.stop();
    await db.drop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
