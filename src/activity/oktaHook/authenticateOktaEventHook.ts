import { EntityManager } from 'typeorm';
import { OktaEventHookRow } from '../../db/tables/oktaEventHooks';
import { isId } from '../../ids';
import { hashSecret, hashesEqual } from '../../secrets';
import { DirectoryTenant } from '../../tenancy/context';

/**
 * The directory an Okta event hook call belongs to, when the header carries its current
 * secret (compared by hash in constant time); undefined otherwise, whatever the reason,
 * so a caller learns nothing about which directories exist.
 */
export async function authenticateOktaEventHook(m: EntityManager, directoryId: string, header: string | undefined): Promise<DirectoryTenant | undefined> {
  if (!header || !isId('directory', directoryId)) return undefined;
  const rows: (Pick<OktaEventHookRow, 'secret_hash'> & { environment_id: string })[] = await m.query(
    `SELECT h.secret_hash, d.environment_id FROM okta_event_hooks h JOIN directories d ON d.id = h.directory_id WHERE h.directory_id = $1`,
    [directoryId],
  );
  const given = hashSecret(header);
  if (rows.length === 0 || !hashesEqual(given, rows[0].secret_hash)) return undefined;
  return { environmentId: rows[0].environment_id, directoryId };
}
