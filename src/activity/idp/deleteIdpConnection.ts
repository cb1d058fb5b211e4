import { recordAudit } from '../../audit/recordAudit';
import { IdpConnectionRow } from '../../db/tables/idpConnections';
import { IdleRuleRow } from '../../db/tables/idleRules';
import { conflict, notFound } from '../../errors';
import { CommandContext } from '../../tenancy/context';
import { findDirectory } from '../../tenancy/findDirectory';

/**
 * Removes a directory's IdP connection. Refused while the idle rule's action is
 * `unassign`, which needs it (the directory row's lock orders this against setIdleRule).
 * Entra sign-ins are no longer pulled; unassign calls already queued fail and are audited.
 */
export async function deleteIdpConnection(ctx: CommandContext, directoryId: string): Promise<void> {
  const directory = await findDirectory(ctx, directoryId, { lock: true });
  const [row]: IdpConnectionRow[] = await ctx.manager.query(`SELECT * FROM idp_connections WHERE directory_id = $1`, [directoryId]);
  if (!row) throw notFound('IdP connection');
  const [rule]: Pick<IdleRuleRow, 'action'>[] = await ctx.manager.query(`SELECT action FROM idle_rules WHERE directory_id = $1`, [directoryId]);
  if (rule?.action === 'unassign') {
    throw conflict('The idle rule removes app assignments through this connection (action "unassign"); change or clear the rule first');
  }
  await ctx.manager.query(`DELETE FROM idp_connections WHERE directory_id = $1`, [directoryId]);
  await recordAudit(ctx, {
    environmentId: directory.environment_id,
    action: 'directory.idp_connection_deleted',
    targetType: 'directory',
    targetId: directoryId,
    details: { kind: row.kind },
  });
}
