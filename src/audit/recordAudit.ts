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

/** Appends several audit entries in one statement inside the caller's transaction. */
export async function recordAudits(ctx: CommandContext, inputs: AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await ctx.manager.query(
    `INSERT INTO audit_log (id, environment_id, actor, action, target_type, target_id, reason, details)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[])`,
    [
      inputs.map(() => newId('audit')),
      inputs.map((i) => i.environmentId),
      inputs.map(() => actorLabel(ctx.actor)),
      inputs.map((i) => i.action),
      inputs.map((i) => i.targetType),
      inputs.map((i) => i.targetId),
      inputs.map((i) => i.reason ?? null),
      inputs.map((i) => JSON.stringify(i.details ?? {})),
    ],
  );
}
