#!/usr/bin/env node
'use strict';
/*
 * The `dsync` command (package.json `bin`, and `npm run cli`). It runs the compiled CLI
 * when dist/ is at least as new as the sources, and otherwise the TypeScript sources
 * through tsx: a fresh checkout works right after `npm install` without a build, and no
 * call pays for a full tsc build as the old `precli` script did. An image built with
 * `npm run build` and without src/ (the Dockerfile's) always runs dist/.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const compiled = path.join(root, 'dist', 'src', 'cli.js');
const sourceDirs = ['src', 'migrations'].map((d) => path.join(root, d));

/** The newest modification time of `dir` and everything under it, in ms; 0 when it does not exist. */
function newestUnder(dir) {
  let stat;
  try {
    stat = fs.statSync(dir);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file changes its directory's time
  for (const entry of fs.readdirSync(dir)) newest = Math.max(newest, newestUnder(path.join(dir, entry)));
  return newest;
}

/** True when dist/src/cli.js exists and nothing under src/ or migrations/ changed after it was built. */
function compiledIsCurrent() {
  let built;
  try {
    built = fs.statSync(compiled).mtimeMs;
  } catch {
    return false;
  }
  return sourceDirs.every((dir) => newestUnder(dir) <= built);
}

if (compiledIsCurrent()) {
  require(compiled);
} else {
  // tsx looks for tsconfig.json from the working directory; ours turns on the legacy
  // decorators TypeORM needs, wherever the command is run from.
  process.env.TSX_TSCONFIG_PATH = path.join(root, 'tsconfig.json');
  let tsx;
  try {
    tsx = require('tsx/cjs/api');
  } catch {
    process.stderr.write('dsync: dist/ is missing or older than src/, and tsx is not installed; run `npm run build` first\n');
    process.exit(1);
  }
  tsx.register();
  require(path.join(root, 'src', 'cli.ts'));
}
