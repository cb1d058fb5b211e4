import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config';
import { AppError } from '../errors';
import { registerAdminKeyCommands } from './adminKeyCommands';
import { registerApiKeysCommands } from './apiKeysCommands';
import { registerDirectoriesCommands } from './directoriesCommands';
import { registerEnvironmentsCommands } from './environmentsCommands';
import { registerIdleCommands } from './idleCommands';
import { CliEnv, CliIo, createRuntime } from './runtime';
import { registerWebhooksCommands } from './webhooksCommands';

/** Exit statuses: 0 done, 1 refused (validation or domain error), 2 usage error, 78 bad configuration. */
export const EXIT = { ok: 0, failed: 1, usage: 2, config: 78 } as const;

/**
 * Runs the `dsync` command line in-process: parses argv (without node and script),
 * runs the command against the database, and returns the exit status instead of
 * exiting, so tests can drive it like src/cli.ts does.
 */
export async function runCli(argv: string[], io: CliIo, env: CliEnv): Promise<number> {
  const program = buildProgram(io, env);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    return report(err, io);
  }
}

function buildProgram(io: CliIo, env: CliEnv): Command {
  const runtime = createRuntime(io, env);
  // exitOverride and configureOutput are inherited by subcommands made with .command().
  const program = new Command('dsync')
    .description('dsync support commands: act on the database directly, as the admin API would')
    .option('--json', 'print the admin API JSON instead of a table')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(add --help for usage)');
  registerEnvironmentsCommands(program, runtime);
  registerDirectoriesCommands(program, runtime);
  registerApiKeysCommands(program, runtime);
  registerAdminKeyCommands(program, runtime);
  registerWebhooksCommands(program, runtime);
  registerIdleCommands(program, runtime);
  return program;
}

// The one place CLI failures become messages and exit statuses.
function report(err: unknown, io: CliIo): number {
  // Commander has already printed usage errors and help.
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof AppError) {
    io.stderr.write(`error: ${err.message}\n`);
    return EXIT.failed;
  }
  if (err instanceof ConfigError) {
    io.stderr.write(`error: ${err.message}\n`);
    return EXIT.config;
  }
  io.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  return EXIT.failed;
}
