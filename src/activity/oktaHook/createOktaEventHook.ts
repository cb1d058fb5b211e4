import { recordAudit } from '../../audit/recordAudit';
import { queryReturning } from '../../db/returning';
import { generateSecret, hashSecret, secretPrefix } from '../../secrets';
import { CommandContext } from '../../tenancy/context';
import { findDirectory } from '../../tenancy/findDirectory';

/** What to paste into Okta's event hook form, shown once. */
export type OktaEventHookSetup = { url: string; header_name: string; header_value: string };

/** The header Okta sends the secret in (its event hook's "Authentication field"). */
export const OKTA_HOOK_HEADER = 'Authorization';

/**
 * Creates the directory's Okta event hook secret, or replaces it (the old one stops
 * working at once). The secret is returned once and stored as its SHA-256, like API keys.
 */
export async function createOktaEventHook(ctx: CommandContext, directoryId: string, publicUrl: string): Promise<OktaEventHookSetup> {
  const directory = await findDirectory(ctx, directoryId, { lock: true });
  const secret = generateSecret('hook');
  const [row] = await queryReturning<{ replaced: boolean }>(
    ctx.manager,
    `INSERT INTO okta_event_hooks (directory_id, secret_hash, secret_prefix) VALUES ($1, $2, $3)
     ON CONFLICT (directory_id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, secret_prefix = EXCLUDED.secret_prefix, updated_at = now()
     RETURNING (xmax <> 0) AS replaced`,
    [directoryId, hashSecret(secret), secretPrefix(secret)],
  );
  await recordAudit(ctx, {
    environmentId: directory.environment_id,
    action: row.replaced ? 'directory.okta_event_hook_replaced' : 'directory.okta_event_hook_created',
    targetType: 'directory',
    targetId: directoryId,
    details: { secret_prefix: secretPrefix(secret) },
  });
  return { url: `${publicUrl}/hooks/okta/${directoryId}`, header_name: OKTA_HOOK_HEADER, header_value: secret };
}
