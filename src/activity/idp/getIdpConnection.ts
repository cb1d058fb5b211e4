import { IdpConnectionRow } from '../../db/tables/idpConnections';
import { notFound } from '../../errors';
import { CommandContext } from '../../tenancy/context';
import { findDirectory } from '../../tenancy/findDirectory';

/** A directory's IdP connection, or not_found when it has none (or the directory is not the actor's). */
export async function getIdpConnection(ctx: CommandContext, directoryId: string): Promise<IdpConnectionRow> {
  await findDirectory(ctx, directoryId);
  const [row]: IdpConnectionRow[] = await ctx.manager.query(`SELECT * FROM idp_connections WHERE directory_id = $1`, [directoryId]);
  if (!row) throw notFound('IdP connection');
  return row;
}
