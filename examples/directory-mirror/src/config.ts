/** What the mirror needs to know, read once from the environment at start. */
export type MirrorConfig = {
  /** Port the webhook receiver listens on (0: any free port). */
  port: number;
  /** Address it listens on; dsync must reach it. */
  host: string;
  /** The app's own PostgreSQL database. */
  databaseUrl: string;
  /** Schema of the mirror's tables in that database. */
  schema: string;
  /** The dsync server's origin, e.g. http://localhost:3000. */
  dsyncUrl: string;
  /** An API key of the environment (`dsync_key_…`). */
  apiKey: string;
  /** The environment whose users are mirrored (`env_…`). */
  environmentId: string;
  /** The webhook endpoint's signing secrets: the current one, plus the previous one while rolling it. */
  webhookSecrets: string[];
  /** Seconds between catch-ups from the events API after the one on start; 0: only on start. */
  catchUpIntervalSeconds: number;
};

/** Reads the configuration; a missing or malformed variable stops the app with its name. */
export function loadConfig(env: NodeJS.ProcessEnv): MirrorConfig {
  const required = (name: string) => {
    const value = env[name]?.trim();
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const integer = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
    return value;
  };
  const schema = env.MIRROR_SCHEMA?.trim() || 'directory_mirror';
  // Interpolated into DDL, so only a plain identifier is accepted.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error('MIRROR_SCHEMA must be a lower-case SQL identifier');
  return {
    port: integer('PORT', 4000),
    host: env.HOST?.trim() || '0.0.0.0',
    databaseUrl: required('DATABASE_URL'),
    schema,
    dsyncUrl: required('DSYNC_URL'),
    apiKey: required('DSYNC_API_KEY'),
    environmentId: required('DSYNC_ENVIRONMENT_ID'),
    webhookSecrets: required('DSYNC_WEBHOOK_SECRETS').split(',').map((s) => s.trim()).filter(Boolean),
    catchUpIntervalSeconds: integer('CATCH_UP_INTERVAL_SECONDS', 300),
  };
}
