import { z } from 'zod';

/** Where Microsoft Graph and the Microsoft identity platform answer, unless a connection says otherwise (national clouds). */
export const ENTRA_DEFAULTS = { graph_url: 'https://graph.microsoft.com', login_url: 'https://login.microsoftonline.com' } as const;

const secret = z
  .string()
  .min(1)
  .max(2000)
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');
// Base URLs: their policy (scheme, credentials, private addresses) is checked by the command.
const baseUrl = z.string().min(1).max(2048);
// Ids that go into URL paths: a conservative alphabet, so none can change the path.
const pathId = (what: string) => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, `must be ${what}: letters, digits, ".", "_" or "-"`);
const guid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a GUID')
  .transform((s) => s.toLowerCase());

const okta = z
  .object({ kind: z.literal('okta'), org_url: baseUrl, api_token: secret, app_id: pathId("the app's id (e.g. 0oa1b2c3d4)") })
  .strict();

const entra = z
  .object({
    kind: z.literal('entra'),
    tenant_id: pathId('the tenant id or a verified domain'),
    client_id: guid,
    client_secret: secret,
    service_principal_id: guid,
    graph_url: baseUrl.default(ENTRA_DEFAULTS.graph_url),
    login_url: baseUrl.default(ENTRA_DEFAULTS.login_url),
  })
  .strict();

/** The body of PUT /api/v1/directories/{id}/idp-connection. */
export const idpConnectionInput = z.discriminatedUnion('kind', [okta, entra]);

export type IdpConnectionInput = z.infer<typeof idpConnectionInput>;
