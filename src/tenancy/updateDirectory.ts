import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { DIRECTORY_STATES, DirectoryRow } from '../db/tables/directories';
import { nameField } from '../validation';
import { CommandContext } from './context';
import { domainsField } from './createDirectory';
import { findDirectory } from './findDirectory';

export const updateDirectoryInput = z
  .object({
    name: nameField,
    organization_name: nameField,
    domains: domainsField,
    // A disabled directory refuses SCIM requests (403) until enabled again; its data is kept.
    state: z.enum(DIRECTORY_STATES),
  })
  .partial()
  .strict();

// The input's fields are the columns they change.
const COLUMNS = ['name', 'organization_name', 'domains', 'state'] as const;
type Column = (typeof COLUMNS)[number];

// How the audit log has always named each change (organizationName predates these rows).
const AUDIT_KEYS: Record<Column, string> = {
  name: 'name',
  organization_name: 'organizationName',
  domains: 'domains',
  state: 'state',
};

/** Updates a directory's name, organization, domains or state; audits what changed. */
export async function updateDirectory(
  ctx: CommandContext,
  id: string,
  input: z.infer<typeof updateDirectoryInput>,
): Promise<DirectoryRow> {
  const current = await findDirectory(ctx, id, { lock: true });
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  const columns: Column[] = [];
  for (const column of COLUMNS) {
    const value = input[column];
    if (value === undefined || JSON.stringify(value) === JSON.stringify(current[column])) continue;
    changed[AUDIT_KEYS[column]] = { from: current[column], to: value };
    columns.push(column);
  }
  if (columns.length === 0) return current;
  // Column names come from COLUMNS above, never from the request.
  const [updated] = await queryReturning<DirectoryRow>(
    ctx.manager,
    `UPDATE directories SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')}, updated_at = now()
      WHERE id = $1 RETURNING *`,
    [id, ...columns.map((c) => input[c])],
  );
  await recordAudit(ctx, {
    environmentId: current.environment_id,
    action: 'directory.updated',
    targetType: 'directory',
    targetId: id,
    details: changed,
  });
  return updated;
}
