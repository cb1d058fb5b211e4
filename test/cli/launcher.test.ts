import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * bin/dsync.js, the `dsync` command and `npm run cli`: it runs dist/ when dist/ is at
 * least as new as the sources and the sources through tsx otherwise, so no call
 * compiles the project, and a checkout without a build works.
 */

const ROOT = path.resolve(__dirname, '../..');

function run(script: string, argv: string[] = []): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...argv], { cwd: os.tmpdir(), timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A copy of the launcher in a scratch root whose dist/ and src/ say which one ran, with the project's node_modules. */
function scratchRoot() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dsync-launcher-'));
  fs.mkdirSync(path.join(root, 'bin'));
  fs.copyFileSync(path.join(ROOT, 'bin/dsync.js'), path.join(root, 'bin/dsync.js'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  fs.copyFileSync(path.join(ROOT, 'tsconfig.json'), path.join(root, 'tsconfig.json'));
  fs.mkdirSync(path.join(root, 'src'));
  fs.writeFileSync(path.join(root, 'src/cli.ts'), "const from: string = 'sources';\nprocess.stdout.write(from);\n");
  fs.mkdirSync(path.join(root, 'migrations'));
  const compiled = path.join(root, 'dist/src/cli.js');
  fs.mkdirSync(path.dirname(compiled), { recursive: true });
  fs.writeFileSync(compiled, "process.stdout.write('compiled');\n");
  const setTime = (p: string, seconds: number) => fs.utimesSync(path.join(root, p), seconds, seconds);
  return { root, launcher: path.join(root, 'bin/dsync.js'), setTime, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

test('runs dist/ when it is as new as src/ and migrations/, the sources through tsx when they are newer or dist/ is missing', async () => {
  const s = scratchRoot();
  try {
    for (const p of ['src/cli.ts', 'src', 'migrations']) s.setTime(p, 1_000_000);
    s.setTime('dist/src/cli.js', 2_000_000);
    expect(await run(s.launcher)).toEqual({ status: 0, stdout: 'compiled', stderr: '' });

    s.setTime('src/cli.ts', 3_000_000);
    expect(await run(s.launcher)).toEqual({ status: 0, stdout: 'sources', stderr: '' });
    // Nothing was built: dist/ kept its time.
    expect(fs.statSync(path.join(s.root, 'dist/src/cli.js')).mtimeMs).toBe(2_000_000_000);

    fs.rmSync(path.join(s.root, 'dist'), { recursive: true });
    expect(await run(s.launcher)).toEqual({ status: 0, stdout: 'sources', stderr: '' });
  } finally {
    s.cleanup();
  }
});

test('the real launcher answers --help, and `npm run cli` and the dsync bin go through it without a build step', async () => {
  const help = await run(path.join(ROOT, 'bin/dsync.js'), ['--help']);
  expect([help.status, help.stdout.split('\n')[0]]).toEqual([0, 'Usage: dsync [options] [command]']);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect([pkg.bin, pkg.scripts.cli, pkg.scripts.precli]).toEqual([{ dsync: 'bin/dsync.js' }, 'node bin/dsync.js', undefined]);
});

test('installing links the dsync bin into node_modules/.bin, so npx dsync finds this project rather than the registry', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(pkg.scripts.prepare).toBe('node bin/link-bin.js');
  const link = path.join(ROOT, 'node_modules/.bin/dsync');
  expect(fs.realpathSync(link)).toBe(path.join(ROOT, 'bin/dsync.js'));
});
