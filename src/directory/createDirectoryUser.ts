import { queryReturning } from '../db/returning';
import { recordEvent } from '../events/recordEvent';
import { newId } from '../ids';
import { UserState } from './rules/deriveState';
import { directoryUserFields } from './rules/directoryUserFields';
import { presentDirectoryGroup } from './presentDirectoryGroup';
import { DirectoryUserRow, presentDirectoryUser } from './presentDirectoryUser';
import { CommandContext } from '../tenancy/context';
import { directoryGroupsOfScimUser } from './directoryUserQueries';
import { scimTenantOf } from '../scim/scimTenant';

/**
 * Creates the directory user of a SCIM user: `user.created`, then `group.user_added`
 * for each group the person is already in (a returning person under the secure policy
 * is a new user who joins their groups again).
 */
export async function createDirectoryUser(
  ctx: CommandContext,
  scimUser: { id: string; resource: Record<string, unknown> },
  state: UserState,
  opts: { newScimUser?: boolean } = {},
): Promise<DirectoryUserRow> {
  const { directoryId, environmentId } = scimTenantOf(ctx);
  const f = directoryUserFields(scimUser.resource);
  const [user] = await queryReturning<DirectoryUserRow>(
    ctx.manager,
    `INSERT INTO directory_users (id, directory_id, environment_id, scim_user_id, external_id, username, emails,
                                  first_name, last_name, job_title, state, custom_attributes, raw_attributes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *`,
    [
      newId('directory_user'),
      directoryId,
      environmentId,
      scimUser.id,
      f.external_id,
      f.username,
      JSON.stringify(f.emails),
      f.first_name,
      f.last_name,
      f.job_title,
      state,
      JSON.stringify(f.custom_attributes),
      JSON.stringify(f.raw_attributes),
    ],
  );
  // A SCIM user created in this same request cannot be in a group yet.
  const groups = opts.newScimUser ? [] : await directoryGroupsOfScimUser(ctx.manager, directoryId, scimUser.id);
  const refs = groups.map((g) => ({ object: 'directory_group' as const, id: g.id, name: g.name }));
  const data = presentDirectoryUser(user, refs);
  await recordEvent(ctx, { type: 'user.created', environmentId, directoryId, data, subjectId: user.id });
  for (const group of groups) {
    await recordEvent(ctx, {
      type: 'group.user_added',
      environmentId,
      directoryId,
      data: { user: data, group: presentDirectoryGroup(group) },
      subjectId: user.id,
    });
  }
  return user;
}
