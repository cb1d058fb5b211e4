import { EntityManager } from 'typeorm';
import { CommandContext, DirectoryTenant } from '../tenancy/context';
import { StoredResource } from './scimColumns';
import { ResourceKind } from './resourceMapping';
import { Projection } from './projection';
import { MemberRow } from './scimRows';

/** The row fields the generic routes rely on. */
export type BaseRow = { id: string; version: number; resource: Record<string, unknown> };

/** A stored resource as the routes handle it: the row, and for groups the members when loaded. */
export type Loaded<R extends BaseRow> = { row: R; members?: MemberRow[] };

/** A translated filter: SQL over alias `r` with parameters numbered from $2 ($1 is the directory). */
export type SqlWhere = { sql: string; params: unknown[] };

/**
 * What the generic SCIM routes need from a resource type. Users and Groups each
 * supply one, so the protocol handling (paging, ETags, PATCH, errors) exists once.
 */
export type ResourceAdapter<R extends BaseRow> = {
  kind: ResourceKind;
  load(m: EntityManager, directoryId: string, id: string, o: { forUpdate: boolean; members: boolean }): Promise<Loaded<R> | undefined>;
  loadPage(
    m: EntityManager,
    directoryId: string,
    page: { where?: SqlWhere; offset: number; limit: number; members: boolean },
  ): Promise<{ items: Loaded<R>[]; total: number }>;
  present(item: Loaded<R>, baseUrl: string, projection: Projection): Record<string, unknown>;
  create(ctx: CommandContext, tenant: DirectoryTenant, stored: StoredResource, validated: Record<string, unknown>): Promise<Loaded<R>>;
  /** `request.operations` are a PATCH's operations as sent, for what depends on their order. */
  replace(
    ctx: CommandContext,
    tenant: DirectoryTenant,
    current: Loaded<R>,
    stored: StoredResource,
    validated: Record<string, unknown>,
    request?: { operations?: unknown[] },
  ): Promise<Loaded<R>>;
  remove(ctx: CommandContext, tenant: DirectoryTenant, current: Loaded<R>): Promise<void>;
};
