import { recordAudit } from '../../audit/recordAudit';
import { queryReturning } from '../../db/returning';
import { IdpConnectionRow } from '../../db/tables/idpConnections';
import { invalidRequest } from '../../errors';
import { CommandContext } from '../../tenancy/context';
import { findDirectory } from '../../tenancy/findDirectory';
import { checkWebhookUrl } from '../../webhooks/urlPolicy';
import { resolveSecretsKey, secretBox } from '../../webhooks/secretBox';
import { EntraSettings, OktaSettings } from './idpConnection';
import { IdpConnectionInput } from './idpConnectionInput';

/** What the command takes from configuration: the URL policy and the key that seals secrets. */
export type IdpConnectionSettings = { allowPrivateNetworks: boolean; secretsKey: Buffer | undefined };

/**
 * Creates or replaces a directory's IdP connection. Its base URLs must use https and pass
 * the webhook URL policy now (and every call checks again); the secret (Okta API token, Entra client
 * secret) is sealed like webhook secrets and never shown again.
 */
export async function setIdpConnection(
  ctx: CommandContext,
  directoryId: string,
  input: IdpConnectionInput,
  settings: IdpConnectionSettings,
): Promise<IdpConnectionRow> {
  const directory = await findDirectory(ctx, directoryId, { lock: true });
  const url = (field: string, raw: string) => baseUrl(field, raw, settings.allowPrivateNetworks);
  const stored: OktaSettings | EntraSettings =
    input.kind === 'okta'
      ? { org_url: url('org_url', input.org_url), app_id: input.app_id }
      : {
          tenant_id: input.tenant_id,
          client_id: input.client_id,
          service_principal_id: input.service_principal_id,
          graph_url: url('graph_url', input.graph_url),
          login_url: url('login_url', input.login_url),
        };
  const secret = input.kind === 'okta' ? input.api_token : input.client_secret;
  const sealed = secretBox(await resolveSecretsKey(ctx.manager, settings.secretsKey)).seal(secret);
  const [row] = await queryReturning<IdpConnectionRow & { existed: boolean }>(
    ctx.manager,
    `INSERT INTO idp_connections AS c (directory_id, kind, settings, secret_ciphertext) VALUES ($1, $2, $3, $4)
     ON CONFLICT (directory_id) DO UPDATE
       SET kind = EXCLUDED.kind, settings = EXCLUDED.settings, secret_ciphertext = EXCLUDED.secret_ciphertext, updated_at = now()
     RETURNING c.*, (xmax <> 0) AS existed`,
    [directoryId, input.kind, JSON.stringify(stored), sealed],
  );
  const { existed, ...connection } = row;
  await recordAudit(ctx, {
    environmentId: directory.environment_id,
    action: existed ? 'directory.idp_connection_updated' : 'directory.idp_connection_created',
    targetType: 'directory',
    targetId: directoryId,
    details: { kind: input.kind, settings: stored },
  });
  return connection;
}

// A base URL as stored: policy-checked, without query or fragment, without a trailing "/".
function baseUrl(field: string, raw: string, allowPrivate: boolean): string {
  const fail = (message: string) => invalidRequest(`${field}: ${message}`, { errors: [{ field, message }] });
  const problem = checkWebhookUrl(raw, allowPrivate);
  if (problem) throw fail(problem.replace(/^url /, `${field} `));
  const parsed = new URL(raw);
  // The calls carry the API token, the client secret or a bearer token: never in clear
  // text, except to the local fakes and test servers that private networks allow.
  if (parsed.protocol !== 'https:' && !allowPrivate) throw fail(`${field} must use https`);
  if (parsed.search || parsed.hash) throw fail(`${field} must not have a query or fragment`);
  return parsed.href.replace(/\/+$/, '');
}
