import os from 'node:os';
import { DataSource } from 'typeorm';
import { Actor, CommandContext } from '../tenancy/context';
import { Config, loadConfig } from '../config';
import { openDatabase } from '../db/open';
import { inTransaction } from '../db/transaction';

/** Something text is written to: process.stdout in production, a buffer in tests. */
export type CliStream = { write(chunk: string): unknown };

/** Where a CLI run writes its output and its errors. */
export type CliIo = { stdout: CliStream; stderr: CliStream };

/** The environment variables a CLI run reads its configuration from. */
export type CliEnv = Record<string, string | undefined>;

/** What every CLI command needs: its output streams and a way to run domain commands. */
export type CliRuntime = {
  io: CliIo;
  /**
   * Opens the database, runs `fn` in one transaction as the CLI user, and closes the
   * database again, whether `fn` succeeds or throws.
   */
  execute<T>(fn: (ctx: CommandContext, config: Config) => Promise<T>): Promise<T>;
  /**
   * Opens the database for a command that runs several transactions of its own (a job
   * run in the foreground), and closes it again, whether `fn` succeeds or throws.
   */
  withDatabase<T>(fn: (db: CliDatabase) => Promise<T>): Promise<T>;
};

/** The open database and the CLI user, for commands that open their own transactions. */
export type CliDatabase = { dataSource: DataSource; actor: Actor; config: Config };

// One invocation runs one transaction (plus the migration check), so a small pool is plenty.
const CLI_POOL_SIZE = 2;

/** Builds the runtime of one CLI invocation; configuration is read only when a command runs. */
export function createRuntime(io: CliIo, env: CliEnv): CliRuntime {
  const withDatabase: CliRuntime['withDatabase'] = async (fn) => {
    const config = loadConfig(env);
    const db = await openDatabase(
      { ...config, dbPoolSize: Math.min(config.dbPoolSize, CLI_POOL_SIZE) },
      { migrate: true },
    );
    try {
      const actor = { kind: 'cli' as const, user: cliUser(env) };
      return await fn({ dataSource: db.dataSource, actor, config });
    } finally {
      await db.close();
    }
  };
  return {
    io,
    withDatabase,
    execute: (fn) =>
      withDatabase(({ dataSource, actor, config }) => inTransaction(dataSource, (manager) => fn({ manager, actor }, config))),
  };
}

/** The login name recorded in the audit log as `cli:<user>`. */
function cliUser(env: CliEnv): string {
  try {
    return os.userInfo().username;
  } catch {
    // Containers running under a uid with no passwd entry make userInfo() throw.
    return env.USER || env.LOGNAME || `uid-${process.getuid?.() ?? 'unknown'}`;
  }
}
