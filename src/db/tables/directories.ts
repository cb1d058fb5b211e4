export const PROVIDERS = ['okta', 'entra', 'onelogin', 'jumpcloud', 'google', 'generic'] as const;
/** The identity provider a directory connects; it selects the status-mapping preset. */
export type Provider = (typeof PROVIDERS)[number];

export const DIRECTORY_STATES = ['active', 'disabled'] as const;
/** A disabled directory refuses SCIM requests; its data is kept. */
export type DirectoryState = (typeof DIRECTORY_STATES)[number];

/** A `directories` row: one IdP connection inside an environment. */
export type DirectoryRow = {
  id: string;
  environment_id: string;
  name: string;
  organization_name: string;
  provider: Provider;
  /** Lower-cased email domains of the organization. */
  domains: string[];
  state: DirectoryState;
  created_at: Date;
  updated_at: Date;
  /** Status mapping rules as stored (unchecked); null means the provider's preset (src/directory/rules/statusMapping.ts). */
  status_rules: unknown;
  /** Rate limit override (src/tenancy/rateLimits.ts): requests per second; null with `rate_limit_burst` means the default. */
  rate_limit_per_second: number | null;
  /** Rate limit override: the most requests in a burst; null with `rate_limit_per_second` means the default. */
  rate_limit_burst: number | null;
};
