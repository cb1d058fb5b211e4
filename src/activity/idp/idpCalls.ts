import { Config } from '../../config';

/** A client-credentials token of one Entra connection, kept until shortly before it expires. */
export type CachedToken = { accessToken: string; expiresAt: number };

/**
 * What calls to an identity provider's admin API need from the process: the URL policy
 * (src/webhooks/urlPolicy.ts), the timeout of one call, the key that opens stored
 * secrets, and the process's Entra token cache. `sleep` and `now` are injected so tests
 * honour `Retry-After` and token expiry without waiting.
 */
export type IdpCalls = {
  allowPrivateNetworks: boolean;
  timeoutMs: number;
  secretsKey: Buffer | undefined;
  /** Keyed by directory and connection version (src/activity/idp/entraToken.ts). */
  tokens: Map<string, CachedToken>;
  sleep(ms: number): Promise<void>;
  now(): Date;
};

/** The IdP call settings of a loaded configuration, with a token cache of their own. */
export function idpCallsFromConfig(config: Config, overrides: Partial<IdpCalls> = {}): IdpCalls {
  return {
    allowPrivateNetworks: config.webhook.allowPrivateNetworks,
    timeoutMs: config.idp.timeoutMs,
    secretsKey: config.secretsKey,
    ...defaultRuntime(),
    ...overrides,
  };
}

/**
 * Settings for callers that have no configuration at hand: private networks refused, a
 * 10 s timeout, the database's generated secrets key.
 */
export function defaultIdpCalls(): IdpCalls {
  return { allowPrivateNetworks: false, timeoutMs: 10_000, secretsKey: undefined, ...defaultRuntime() };
}

function defaultRuntime(): Pick<IdpCalls, 'tokens' | 'sleep' | 'now'> {
  return { tokens: new Map(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)), now: () => new Date() };
}
