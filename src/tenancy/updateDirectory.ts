import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { DIRECTORY_STATES, Directory } from '../entities/Directory';
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

type Changes = Partial<Pick<Directory, 'name' | 'organizationName' | 'domains' | 'state'>>;

/** Updates a directory's name, organization, domains or state; audits what changed. */
export async function updateDirectory(
  ctx: CommandContext,
  id: string,
  input: z.infer<typeof updateDirectoryInput>,
): Promise<Directory> {
  const current = await findDirectory(ctx, id, { lock: true });
  const next: Changes = {
    name: input.name,
    organizationName: input.organization_name,
    domains: input.domains,
    state: input.state,
  };
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  const update: Changes = {};
  for (const [key, value] of Object.entries(next) as [keyof Changes, Changes[keyof Changes]][]) {
    if (value === undefined || JSON.stringify(value) === JSON.stringify(current[key])) continue;
    changed[key] = { from: current[key], to: value };
    Object.assign(update, { [key]: value });
  }
  if (Object.keys(update).length === 0) return current;
  await ctx.manager.update(Directory, { id }, { ...update, updatedAt: () => 'now()' });
  await recordAudit(ctx, {
    environmentId: current.environmentId,
    action: 'directory.updated',
    targetType: 'directory',
    targetId: id,
    details: changed,
  });
  return ctx.manager.findOneByOrFail(Directory, { id });
}
