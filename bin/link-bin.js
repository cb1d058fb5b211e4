'use strict';
/*
 * Run by npm after `npm install` and `npm ci` (the `prepare` script): links this project's
 * own `dsync` bin into node_modules/.bin. npm links the bins of dependencies only, and
 * without the link `npx dsync` would not find ours — and would fetch an unrelated package
 * of that name from the registry instead.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const binDir = path.join(root, 'node_modules', '.bin');
const link = path.join(binDir, 'dsync');

fs.mkdirSync(binDir, { recursive: true });
fs.rmSync(link, { force: true });
fs.symlinkSync(path.relative(binDir, path.join(root, 'bin', 'dsync.js')), link);
