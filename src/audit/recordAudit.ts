import { CommandContext, actorLabel } from '../tenancy/context';
import { newId } from '../ids';

export type AuditInput = {
  environmentId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  reason?: string | null;
  details?: Record<string, unknown>;
};

/** Appends an audit entry inside the caller's transaction. Never pass secrets in `details`. */
export async function recordAudit(ctx: CommandContext, input: AuditInput): Promise<void> {
  await ctx.manager.query(
    `INSERT INTO audit_log (id, environment_id, actor, action, target_type, target_id, reason, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      newId('audit'),
      input.environmentId,
      actorLabel(ctx.actor),
      input.action,
      input.targetType,
      input.targetId,
      input.reason ?? null,
      JSON.stringify(input.details ?? {}),
    ],
  );
}
