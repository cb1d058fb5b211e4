import { DirectoryRow } from '../db/tables/directories';
import { STATUS_PRESETS, StatusRule } from './rules/statusMapping';
import { CommandContext } from '../tenancy/context';
import { findDirectory } from '../tenancy/findDirectory';
import { statusRulesSchema } from './loadTenantPolicy';

/** The status rules a directory applies, and whether they are its own or its provider's preset. */
export type StatusMapping = { rules: StatusRule[]; source: 'preset' | 'custom' };

/** The status mapping of a directory the actor may see. */
export async function getStatusMapping(ctx: CommandContext, directoryId: string): Promise<StatusMapping> {
  return statusMappingOf(await findDirectory(ctx, directoryId));
}

/**
 * The rules stored on the directory, or the provider's preset when none are stored.
 * Agrees with `rulesOf` (what SCIM writes apply): stored rules that no longer parse
 * count as absent.
 */
export function statusMappingOf(directory: DirectoryRow): StatusMapping {
  const stored = directory.status_rules;
  if (stored !== null && stored !== undefined) {
    const parsed = statusRulesSchema.safeParse(stored);
    if (parsed.success) return { rules: parsed.data, source: 'custom' };
  }
  return { rules: STATUS_PRESETS[directory.provider], source: 'preset' };
}
