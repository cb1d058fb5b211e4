/**
 * Which contract test file proves which tags of openapi.yaml: each file's last test
 * asserts every documented status of the operations under its tags was exercised, and
 * ownership.test.ts asserts these lists together name every tag used by an operation,
 * each exactly once. Keys are the file names under test/contract/ without `.test.ts`.
 */
export const OWNED_TAGS = {
  environments: ['Environments', 'API keys'],
  directories: ['Directories', 'SCIM tokens'],
  directoryData: ['Directory users', 'Directory groups', 'Status mapping'],
  policySwitch: ['Policy switch jobs'],
  operations: ['Operations'],
  events: ['Events'],
  webhooks: ['Webhooks'],
  rateLimits: ['Rate limits'],
  activity: ['Activity', 'Idle rules'],
  idpConnections: ['IdP connections'],
} as const satisfies Record<string, readonly string[]>;

/** A file under test/contract/ that owns tags. */
export type ContractFile = keyof typeof OWNED_TAGS;

/**
 * 500, 413 and 415 come from handlers every operation shares (the error handler, the
 * body parser); test/contract/operations.test.ts samples each once instead of every
 * file reaching them for every operation.
 */
export const SHARED_HANDLER_STATUSES = ['500', '413', '415'] as const;
