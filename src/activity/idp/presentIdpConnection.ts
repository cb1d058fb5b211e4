import { IdpConnectionRow } from '../../db/tables/idpConnections';
import { settingsOf } from './idpConnection';

/** A connection as the admin API shows it: its settings, never its secret. */
export function presentIdpConnection(row: IdpConnectionRow) {
  return {
    object: 'idp_connection' as const,
    directory_id: row.directory_id,
    kind: row.kind,
    ...settingsOf(row),
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
