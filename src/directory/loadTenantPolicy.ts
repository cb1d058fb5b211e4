import { z } from 'zod';
import { DirectoryRow, Provider } from '../db/tables/directories';
import { EnvironmentRow, InactivePolicy } from '../db/tables/environments';
import { STATUS_PRESETS, StatusRule } from './rules/statusMapping';
import { CommandContext, DirectoryTenant } from '../tenancy/context';

/** The shape of stored status rules, checked when read back from JSON. */
export const statusRulesSchema = z
  .array(
    z
      .object({
        attribute: z.string().trim().min(1).max(300),
        active: z.array(z.string().trim().min(1).max(200)).max(100),
        inactive: z.array(z.string().trim().min(1).max(200)).max(100),
        otherwise: z.enum(['keep', 'inactive']).optional(),
      })
      .strict(),
  )
  .max(20);

/** The environment's inactive policy and the directory's status rules, for one change of a directory user. */
export type TenantPolicy = { policy: InactivePolicy; rules: StatusRule[] };

/**
 * Reads the policy with FOR KEY SHARE on the environment row, so a concurrent policy
 * switch (which takes FOR UPDATE) waits for this write to commit, and this write never
 * acts on a policy that has already been replaced.
 */
export async function loadTenantPolicy(ctx: CommandContext, tenant: DirectoryTenant): Promise<TenantPolicy> {
  const rows: (Pick<EnvironmentRow, 'inactive_policy'> & Pick<DirectoryRow, 'status_rules' | 'provider'>)[] = await ctx.manager.query(
    `SELECT e.inactive_policy, d.status_rules, d.provider
       FROM directories d JOIN environments e ON e.id = d.environment_id
      WHERE d.id = $1
        FOR KEY SHARE OF e`,
    [tenant.directoryId],
  );
  const row = rows[0];
  return { policy: row.inactive_policy, rules: rulesOf(row.status_rules, row.provider) };
}

/** The directory's rules, or its provider's preset when none are stored (or stored ones are unreadable). */
export function rulesOf(stored: unknown, provider: Provider): StatusRule[] {
  if (stored === null || stored === undefined) return STATUS_PRESETS[provider];
  const parsed = statusRulesSchema.safeParse(stored);
  return parsed.success ? parsed.data : STATUS_PRESETS[provider];
}
