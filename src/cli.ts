#!/usr/bin/env node
import { runCli } from './cli/runCli';

// `dsync`: support-staff commands run against the database (see src/cli/runCli.ts).
runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, process.env).then(
  (status) => {
    // exitCode rather than exit(): lets piped stdout drain before the process ends.
    process.exitCode = status;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
