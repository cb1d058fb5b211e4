import { AppError } from '../errors';
import { CommandContext } from '../tenancy/context';

/** The directory a SCIM command acts on: always the one its token authenticated, never one from the body. */
export function scimTenantOf(ctx: CommandContext): { directoryId: string; environmentId: string } {
  if (ctx.actor.kind !== 'scim') throw new AppError('forbidden', 'SCIM commands need a SCIM actor');
  return { directoryId: ctx.actor.directoryId, environmentId: ctx.actor.environmentId };
}
