import { DataSource } from 'typeorm';
import { z } from 'zod';
import { inRetryingTransaction } from '../../db/transaction';
import { idpUnavailable } from '../../errors';
import { Actor } from '../../tenancy/context';
import { ActivitySignal, recordActivity } from '../recordActivity';
import { EntraConnection, GraphCallFailed, graphBase, graphCall } from './entraGraph';
import { IdpCalls } from './idpCalls';
import { CallLog } from './idpCallRecord';
import { loadIdpConnection } from './idpConnection';
import { answerError, jsonBody } from './idpHttp';

// Graph's user list (https://learn.microsoft.com/graph/api/user-list): `signInActivity`
// needs AuditLog.Read.All besides User.Read.All; a page links to the next (@odata.nextLink).
const page = z.object({
  value: z.array(
    z.object({
      id: z.string(),
      userPrincipalName: z.string().nullish(),
      signInActivity: z.object({ lastSignInDateTime: z.string().nullish() }).passthrough().nullish(),
    }).passthrough(),
  ),
  '@odata.nextLink': z.string().optional(),
});

/**
 * Entra does not push sign-ins, so before an idle scan of a directory with an Entra
 * connection we read every user's `signInActivity.lastSignInDateTime` from Graph, page
 * by page, and record each as a `sign_in` signal for the person whose userName is that
 * userPrincipalName (case-insensitive) or whose externalId is that object id. One short
 * transaction per page, none open during a call. Any failure is `idp_unavailable`: a
 * scan must not flag people on sign-ins it could not read. Returns how many users were
 * read, or null when the directory has no Entra connection.
 */
export async function pullEntraSignIns(ds: DataSource, actor: Actor, directoryId: string, calls: IdpCalls, now: Date): Promise<number | null> {
  const conn = await loadIdpConnection(ds.manager, directoryId, calls.secretsKey);
  if (conn?.kind !== 'entra') return null;
  let url: string | undefined = `${graphBase(conn)}/users?$select=id,userPrincipalName,signInActivity`;
  let users = 0;
  while (url !== undefined) {
    const body = await readPage(calls, conn, url);
    users += body.value.length;
    const signals = body.value.flatMap((u) => signalsOf(directoryId, u));
    if (signals.length > 0) await inRetryingTransaction(ds, (manager) => recordActivity({ manager, actor }, signals, now));
    url = nextLink(conn, body['@odata.nextLink']);
  }
  return users;
}

async function readPage(calls: IdpCalls, conn: EntraConnection, url: string): Promise<z.infer<typeof page>> {
  const log: CallLog = [];
  try {
    const answer = await graphCall(calls, conn, { method: 'GET', url }, log);
    const parsed = page.safeParse(jsonBody(answer));
    if (answer.status !== 200) throw idpUnavailable(`Microsoft Graph sign-in activity could not be read: ${answerError(answer)}`);
    if (!parsed.success) throw idpUnavailable('Microsoft Graph sign-in activity could not be read: the answer is not a list of users');
    return parsed.data;
  } catch (err) {
    if (err instanceof GraphCallFailed) throw idpUnavailable(`Microsoft Graph sign-in activity could not be read: ${err.message}`);
    throw err;
  }
}

// Paging links come from the answer; they must stay on the connection's Graph origin.
function nextLink(conn: EntraConnection, link: string | undefined): string | undefined {
  if (link === undefined) return undefined;
  const origin = new URL(conn.settings.graph_url).origin;
  let target: URL;
  try {
    target = new URL(link);
  } catch {
    throw idpUnavailable('Microsoft Graph sent a malformed @odata.nextLink');
  }
  if (target.origin !== origin) throw idpUnavailable(`Microsoft Graph's @odata.nextLink leads away from ${origin}`);
  return target.href;
}

function signalsOf(directoryId: string, u: z.infer<typeof page>['value'][number]): ActivitySignal[] {
  const at = u.signInActivity?.lastSignInDateTime;
  if (!at || Number.isNaN(Date.parse(at))) return [];
  const occurred_at = new Date(at);
  const signals: ActivitySignal[] = [{ directory_id: directoryId, user: { external_id: u.id }, occurred_at, kind: 'sign_in' }];
  if (u.userPrincipalName) signals.push({ directory_id: directoryId, user: { user_name: u.userPrincipalName }, occurred_at, kind: 'sign_in' });
  return signals;
}
