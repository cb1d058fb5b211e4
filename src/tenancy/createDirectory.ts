import { z } from 'zod';
import { recordAudit } from '../audit/recordAudit';
import { queryReturning } from '../db/returning';
import { DirectoryRow, PROVIDERS } from '../db/tables/directories';
import { recordEvent } from '../events/recordEvent';
import { newId } from '../ids';
import { nameField } from '../validation';
import { CommandContext } from './context';
import { findEnvironment } from './findEnvironment';
import { issueDirectoryToken } from './issueDirectoryToken';
import { directoryEventData } from './directoryEventData';

// A bare DNS name (RFC 1035 labels), lower-cased so comparisons with email domains are exact.
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a domain name like example.com');

export const domainsField = z
  .array(domain)
  .max(100)
  .transform((d) => [...new Set(d)]);

export const createDirectoryInput = z
  .object({
    environment_id: z.string().min(1),
    name: nameField,
    provider: z.enum(PROVIDERS),
    organization_name: nameField,
    domains: domainsField.default([]),
  })
  .strict();

/** Creates a directory and its first SCIM token; the token is returned here only. */
export async function createDirectory(
  ctx: CommandContext,
  input: z.infer<typeof createDirectoryInput>,
): Promise<{ directory: DirectoryRow; bearerToken: string }> {
  await findEnvironment(ctx, input.environment_id);
  const id = newId('directory');
  const [directory] = await queryReturning<DirectoryRow>(
    ctx.manager,
    `INSERT INTO directories (id, environment_id, name, provider, organization_name, domains)
     VALUES ($1, $2, $3, $4, $5, $6::text[])
     RETURNING *`,
    [id, input.environment_id, input.name, input.provider, input.organization_name, input.domains],
  );
  const { token, secret } = await issueDirectoryToken(ctx, id);
  await recordEvent(ctx, {
    type: 'directory.activated',
    environmentId: directory.environment_id,
    directoryId: id,
    data: directoryEventData(directory),
  });
  await recordAudit(ctx, {
    environmentId: directory.environment_id,
    action: 'directory.created',
    targetType: 'directory',
    targetId: id,
    details: { name: directory.name, provider: directory.provider },
  });
  // Like a rotation, the first token gets its own entry, so every token's issue and revocation are on record.
  await recordAudit(ctx, {
    environmentId: directory.environment_id,
    action: 'directory.token_created',
    targetType: 'scim_token',
    targetId: token.id,
    details: { directory_id: id },
  });
  return { directory, bearerToken: secret };
}
