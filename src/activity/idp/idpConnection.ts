import { EntityManager } from 'typeorm';
import { z } from 'zod';
import { IdpConnectionRow } from '../../db/tables/idpConnections';
import { resolveSecretsKey, secretBox } from '../../webhooks/secretBox';

/** An Okta connection's settings: the org, and the app whose assignments dsync removes. */
export type OktaSettings = { org_url: string; app_id: string };
/** An Entra connection's settings: the tenant, the app registration, the enterprise app's service principal. */
export type EntraSettings = { tenant_id: string; client_id: string; service_principal_id: string; graph_url: string; login_url: string };

/** A connection ready for calls: its settings checked, its secret opened. */
export type IdpConnection = { directoryId: string; version: string } & (
  | { kind: 'okta'; settings: OktaSettings; apiToken: string }
  | { kind: 'entra'; settings: EntraSettings; clientSecret: string }
);

const oktaSettings = z.object({ org_url: z.string(), app_id: z.string() });
const entraSettings = z.object({ tenant_id: z.string(), client_id: z.string(), service_principal_id: z.string(), graph_url: z.string(), login_url: z.string() });

/** The settings column of a row, checked (it is JSON, so unknown until then). */
export function settingsOf(row: Pick<IdpConnectionRow, 'kind' | 'settings'>): OktaSettings | EntraSettings {
  return row.kind === 'okta' ? oktaSettings.parse(row.settings) : entraSettings.parse(row.settings);
}

/**
 * The directory's connection with its secret opened, or undefined when it has none.
 * `version` changes whenever the connection is replaced (cached tokens are keyed by it).
 */
export async function loadIdpConnection(m: EntityManager, directoryId: string, secretsKey: Buffer | undefined): Promise<IdpConnection | undefined> {
  const [row]: IdpConnectionRow[] = await m.query(`SELECT * FROM idp_connections WHERE directory_id = $1`, [directoryId]);
  if (!row) return undefined;
  const secret = secretBox(await resolveSecretsKey(m, secretsKey)).open(row.secret_ciphertext);
  const version = new Date(row.updated_at).toISOString();
  return row.kind === 'okta'
    ? { directoryId, version, kind: 'okta', settings: oktaSettings.parse(row.settings), apiToken: secret }
    : { directoryId, version, kind: 'entra', settings: entraSettings.parse(row.settings), clientSecret: secret };
}
