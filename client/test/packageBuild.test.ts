import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

/*
 * The built package as an app installs it: `require` and `import` both load it, and
 * TypeScript finds its declarations in both module systems. Needs `npm run build` first
 * (`npm test` does it).
 */

const CLIENT_ROOT = path.resolve(__dirname, '..');
let app: string;

before(() => {
  assert.ok(fs.existsSync(path.join(CLIENT_ROOT, 'dist', 'esm', 'index.js')), 'dist/ is missing: run `npm run build`');
  app = fs.mkdtempSync(path.join(os.tmpdir(), 'dsync-client-app-'));
  fs.mkdirSync(path.join(app, 'node_modules', '@dsync'), { recursive: true });
  fs.symlinkSync(CLIENT_ROOT, path.join(app, 'node_modules', '@dsync', 'client'), 'dir');
});
after(() => fs.rmSync(app, { recursive: true, force: true }));

const EXPORTS = ['DsyncApiError', 'DsyncClient', 'EVENT_TYPES', 'WebhookVerificationError', 'isRedacted', 'signWebhook', 'verifyWebhook'];

test('require() loads the CommonJS build', () => {
  const out = execFileSync(process.execPath, ['-e', "console.log(JSON.stringify(Object.keys(require('@dsync/client')).sort()))"], { cwd: app });
  assert.deepEqual(JSON.parse(out.toString()), EXPORTS);
});

test('import loads the ES module build', () => {
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', "const m = await import('@dsync/client'); console.log(JSON.stringify(Object.keys(m).sort()))"],
    { cwd: app },
  );
  assert.deepEqual(JSON.parse(out.toString()), EXPORTS);
});

test('TypeScript resolves the declarations from ESM and CommonJS code', () => {
  const consumer = [
    "import { DsyncClient, verifyWebhook, type DsyncEvent } from '@dsync/client';",
    "const client = new DsyncClient({ baseUrl: 'http://localhost:3000', apiKey: 'dsync_key_x' });",
    "export function handle(body: string, header: string): string {",
    "  const event: DsyncEvent = verifyWebhook(body, header, ['whsec_a', 'whsec_b']);",
    "  if (event.type === 'user.updated') return event.previous_attributes?.job_title ?? '';",
    "  void client.directoryUsers.list({ state: 'active' });",
    "  return event.type;",
    '}',
  ].join('\n');
  fs.writeFileSync(path.join(app, 'consumer.mts'), consumer);
  fs.writeFileSync(path.join(app, 'consumer.cts'), consumer);
  fs.writeFileSync(
    path.join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [path.join(CLIENT_ROOT, 'node_modules', '@types')], lib: ['ES2022'] },
      files: ['consumer.mts', 'consumer.cts'],
    }),
  );
  const tsc = path.join(CLIENT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', app], { stdio: 'pipe' });
});
