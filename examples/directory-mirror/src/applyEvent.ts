import { isRedacted, type DsyncEvent, type EventDirectoryUser, type RedactedDirectoryUser } from '@dsync/client';
import type { PoolClient } from 'pg';

/**
 * Applies one dsync event to the mirror, inside the caller's transaction. Safe to call
 * twice with the same event and with events out of order (webhooks are at least once and
 * a retried delivery can arrive after a later one): a row only moves forward in
 * `position`, and a removed user stays removed.
 */
export async function applyEvent(db: PoolClient, schema: string, event: DsyncEvent): Promise<void> {
  switch (event.type) {
    case 'user.created':
    case 'user.updated':
      return saveUser(db, schema, event.data, event.position);
    case 'group.user_added':
    case 'group.user_removed':
      // The user's `groups` changed; the event carries the user as it is now.
      return saveUser(db, schema, event.data.user, event.position);
    case 'user.deleted':
      // Under the `secure` policy a deactivated person is deleted; under `retain` only a
      // deprovisioned one (SCIM DELETE). A deactivation under `retain` is a user.updated.
      return removeUser(db, schema, event.data.id, event.position);
    default:
      // Groups and directories are not mirrored by this example.
      return;
  }
}

async function saveUser(db: PoolClient, schema: string, user: EventDirectoryUser | RedactedDirectoryUser, position: number) {
  // Erased under `secure` after this event was recorded; its user.deleted follows.
  if (isRedacted(user)) return;
  await lockUser(db, user.id);
  const email = user.emails.find((e) => e.primary)?.value ?? user.emails[0]?.value ?? null;
  await db.query(
    `INSERT INTO ${schema}.users AS u (id, directory_id, username, email, first_name, last_name, job_title, state, groups, position)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
      WHERE NOT EXISTS (SELECT 1 FROM ${schema}.removed_users r WHERE r.id = $1)
     ON CONFLICT (id) DO UPDATE
       SET username = EXCLUDED.username, email = EXCLUDED.email, first_name = EXCLUDED.first_name,
           last_name = EXCLUDED.last_name, job_title = EXCLUDED.job_title, state = EXCLUDED.state,
           groups = EXCLUDED.groups, position = EXCLUDED.position, updated_at = now()
     WHERE u.position < EXCLUDED.position`,
    [
      user.id,
      user.directory_id,
      user.username,
      email,
      user.first_name,
      user.last_name,
      user.job_title,
      user.state,
      JSON.stringify(user.groups.map((g) => g.name)),
      position,
    ],
  );
}

async function removeUser(db: PoolClient, schema: string, id: string, position: number) {
  await lockUser(db, id);
  await db.query(`INSERT INTO ${schema}.removed_users (id, position) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [id, position]);
  await db.query(`DELETE FROM ${schema}.users WHERE id = $1`, [id]);
}

// A webhook and a catch-up may apply events of the same user at once; one at a time, so
// the removal check and the write see each other's commits.
async function lockUser(db: PoolClient, id: string) {
  await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [id]);
}
