import { isDeepStrictEqual } from 'node:util';
import { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import SCIMMY from 'scimmy';
import { DataSource } from 'typeorm';
import { ScimTenant } from '../tenancy/authenticateScimToken';
import { CommandContext, DirectoryTenant } from '../tenancy/context';
import { inRetryingTransaction } from '../db/transaction';
import { filterToSql } from './filterToSql';
import { ListRequest, parseListQuery, parseProjection, parseSearchBody } from './listParams';
import { normalizeRequestBody } from './normalizeQuirks';
import { projectionWants } from './projection';
import { applyExtras, preparePatch, PatchOperation } from './patchPreparation';
import { BaseRow, Loaded, ResourceAdapter } from './resourceAdapter';
import { extrasOf, schemaFor, toStored, undeclaredEnterprise, withUndeclaredEnterprise } from './resourceMapping';
import { refuseUnstorableInput } from './requestInput';
import { requireIdentifiers, requireMemberIds, requirePatchOpSchema, requireResourceSchemas } from './resourceChecks';
import { ENTERPRISE_URN } from './scimSetup';
import { scimmyInput } from './scimErrors';
import { etagOf } from './scimPresenter';

export type RouteDeps = { dataSource: DataSource; publicUrl: string };

const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const notFound = (kind: string, id: string) => new SCIMMY.Types.Error(404, null!, `${kind} ${id} not found`);

/**
 * The RFC 7644 §3 operations for one resource type: list and search (§3.4.2, §3.4.3),
 * get, create (§3.3), replace (§3.5.1), patch (§3.5.2) and delete (§3.6). Each write
 * is one transaction; PATCH reads the row FOR UPDATE, applies the operations with
 * scimmy and writes back with a version check, so concurrent PATCHes never lose an update.
 */
export function resourceRoutes<R extends BaseRow>(adapter: ResourceAdapter<R>, deps: RouteDeps): Router {
  const r = Router({ mergeParams: true });
  // Nothing PostgreSQL would refuse, or too deep to walk, reaches a handler.
  r.use(refuseUnstorableInput);
  const kind = adapter.kind;
  const base = (req: Request) => `${deps.publicUrl}/scim/v2/${tenantOf(req).directoryId}`;

  const list = async (req: Request, res: Response, q: ListRequest) => {
    const { directoryId } = tenantOf(req);
    const where = q.filter ? filterToSql(q.filter, kind, { alias: 'r', paramOffset: 1 }) : undefined;
    const members = kind === 'Group' && wantsMembers(q);
    const page = await adapter.loadPage(deps.dataSource.manager, directoryId, {
      where,
      offset: q.startIndex - 1,
      limit: q.count,
      members,
    });
    const resources = page.items.map((item) => adapter.present(item, base(req), q.projection));
    // Built here rather than by scimmy's ListResponse, which re-slices a page it did not fetch.
    send(res, 200, {
      schemas: [LIST_RESPONSE],
      totalResults: page.total,
      itemsPerPage: resources.length,
      startIndex: q.startIndex,
      Resources: resources,
    });
  };

  r.get('/', handle(async (req, res) => list(req, res, parseListQuery(kind, req.query))));
  r.post('/.search', handle(async (req, res) => list(req, res, parseSearchBody(kind, req.body))));

  r.get(
    '/:id',
    handle(async (req, res) => {
      const projection = parseProjection(kind, req.query);
      const item = await adapter.load(deps.dataSource.manager, tenantOf(req).directoryId, req.params.id, {
        forUpdate: false,
        members: kind === 'Group' && wantsMembers({ projection }),
      });
      if (!item) throw notFound(kind, req.params.id);
      const etag = etagOf(item.row.version);
      // RFC 7644 §3.14: a matching If-None-Match means the client's copy is current.
      if (ifNoneMatch(req, etag)) {
        res.setHeader('ETag', etag);
        res.status(304).end();
        return;
      }
      sendResource(res, 200, adapter.present(item, base(req), projection), etag);
    }),
  );

  r.post(
    '/',
    handle(async (req, res) => {
      // Parsed before the write, so that a malformed projection refuses the request instead of hiding a write.
      const projection = parseProjection(kind, req.query);
      const raw = requireObject(normalizeRequestBody(req.body, { resource: kind, method: 'POST' }));
      requireResourceSchemas(kind, raw);
      const validated = validate(kind, raw);
      const created = await write(deps, req, (ctx, tenant) => adapter.create(ctx, tenant, toStored(kind, validated, raw), validated));
      const body = adapter.present(created, base(req), projection);
      res.setHeader('Location', `${base(req)}/${kind === 'User' ? 'Users' : 'Groups'}/${created.row.id}`);
      sendResource(res, 201, body, etagOf(created.row.version));
    }),
  );

  r.put(
    '/:id',
    handle(async (req, res) => {
      const projection = parseProjection(kind, req.query);
      const raw = requireObject(normalizeRequestBody(req.body, { resource: kind, method: 'PUT' }));
      requireResourceSchemas(kind, raw);
      const validated = validate(kind, raw);
      const updated = await write(deps, req, async (ctx, tenant) => {
        const current = await lockForWrite(adapter, ctx, req);
        return adapter.replace(ctx, tenant, current, toStored(kind, validated, raw), validated);
      });
      sendResource(res, 200, adapter.present(updated, base(req), projection), etagOf(updated.row.version));
    }),
  );

  r.patch(
    '/:id',
    handle(async (req, res) => {
      const projection = parseProjection(kind, req.query);
      const body = requireObject(normalizeRequestBody(req.body, { resource: kind, method: 'PATCH' }));
      const updated = await write(deps, req, async (ctx, tenant) => {
        const current = await lockForWrite(adapter, ctx, req, true);
        return applyPatch(adapter, ctx, tenant, current, body, base(req));
      });
      sendResource(res, 200, adapter.present(updated, base(req), projection), etagOf(updated.row.version));
    }),
  );

  r.delete(
    '/:id',
    handle(async (req, res) => {
      await write(deps, req, async (ctx, tenant) => adapter.remove(ctx, tenant, await lockForWrite(adapter, ctx, req)));
      res.status(204).end();
    }),
  );

  return r;
}

async function applyPatch<R extends BaseRow>(
  adapter: ResourceAdapter<R>,
  ctx: CommandContext,
  tenant: DirectoryTenant,
  current: Loaded<R>,
  body: Record<string, unknown>,
  baseUrl: string,
): Promise<Loaded<R>> {
  const kind = adapter.kind;
  const full = adapter.present(current, baseUrl, {});
  // RFC 7644 §3.5.2: the PatchOp schema and at least one well-formed operation are required,
  // also when every operation targets attributes scimmy does not know.
  requirePatchOpSchema(body);
  scimmyInput(() => new SCIMMY.Messages.PatchOp(body as never));
  const operations = Array.isArray(body.Operations) ? (body.Operations as PatchOperation[]) : undefined;
  const prepared = operations ? preparePatch(kind, operations, full) : { operations: [], extras: [] };
  const Schema = schemaFor(kind);
  let next: Record<string, unknown> = full;
  if (!operations || prepared.operations.length > 0) {
    const message = scimmyInput(() => new SCIMMY.Messages.PatchOp({ ...body, Operations: prepared.operations } as never));
    const patched = await scimmyApply(() => message.apply(scimmyInput(() => new Schema(full, 'out'))));
    if (patched) next = JSON.parse(JSON.stringify(patched));
  }
  const validated = validate(kind, next);
  // scimmy's PATCH knows only declared attributes; carry the others over, then apply their ops.
  const carried = { ...toStored(kind, validated, {}), ...extrasOf(kind, current.row.resource) };
  const withEnterprise =
    kind === 'User' ? withUndeclaredEnterprise(carried, undeclaredEnterprise(current.row.resource[ENTERPRISE_URN])) : carried;
  const stored = applyExtras(withEnterprise, prepared.extras);
  // A PATCH that changes nothing keeps the version (RFC 7644 §3.14). Compared as values:
  // jsonb hands back keys in its own order.
  if (isDeepStrictEqual(stored, current.row.resource) && sameMembers(current, validated)) return current;
  return adapter.replace(ctx, tenant, current, stored, validated, { operations });
}

// Members are a set (RFC 7643 §4.2): re-adding a present member, in any order or case, is no change.
function sameMembers(current: Loaded<BaseRow>, validated: Record<string, unknown>): boolean {
  if (!current.members) return true;
  const values = Array.isArray(validated.members) ? validated.members : [];
  const after = new Set(values.map((m) => String((m as { value?: unknown }).value).toLowerCase()));
  const before = new Set(current.members.map((m) => m.user_id));
  return after.size === before.size && [...after].every((id) => before.has(id));
}

async function lockForWrite<R extends BaseRow>(
  adapter: ResourceAdapter<R>,
  ctx: CommandContext,
  req: Request,
  members = false,
): Promise<Loaded<R>> {
  const current = await adapter.load(ctx.manager, tenantOf(req).directoryId, req.params.id, { forUpdate: true, members });
  if (!current) throw notFound(adapter.kind, req.params.id);
  // RFC 7644 §3.14: a write with a stale If-Match fails with 412 instead of overwriting.
  const ifMatch = req.header('If-Match');
  if (ifMatch !== undefined && !etagMatches(ifMatch, etagOf(current.row.version))) {
    throw new SCIMMY.Types.Error(412, null!, 'The resource has changed since the given ETag (If-Match)');
  }
  return current;
}

// Each write is one transaction, run again if PostgreSQL aborts it to break a deadlock.
function write<T>(deps: RouteDeps, req: Request, fn: (ctx: CommandContext, tenant: DirectoryTenant) => Promise<T>): Promise<T> {
  const { directoryId, environmentId } = tenantOf(req);
  const tenant = { directoryId, environmentId };
  return inRetryingTransaction(deps.dataSource, (manager) => fn({ manager, actor: { kind: 'scim', ...tenant } }, tenant));
}

function validate(kind: 'User' | 'Group', raw: Record<string, unknown>): Record<string, unknown> {
  const Schema = schemaFor(kind);
  const validated = JSON.parse(JSON.stringify(scimmyInput(() => new Schema(raw, 'in')))) as Record<string, unknown>;
  requireIdentifiers(kind, validated);
  requireMemberIds(kind, validated);
  return validated;
}

async function scimmyApply<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TypeError) throw new SCIMMY.Types.Error(400, 'invalidValue', err.message);
    throw err;
  }
}

function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SCIMMY.Types.Error(400, 'invalidSyntax', 'Request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function wantsMembers(q: Pick<ListRequest, 'projection'>): boolean {
  return projectionWants('Group', q.projection, 'members');
}

function etagMatches(header: string, etag: string): boolean {
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || strip(t) === strip(etag));
}

function ifNoneMatch(req: Request, etag: string): boolean {
  const header = req.header('If-None-Match');
  return header !== undefined && etagMatches(header, etag);
}

function tenantOf(req: Request): ScimTenant {
  return req.res!.locals.tenant as ScimTenant;
}

function sendResource(res: Response, status: number, body: Record<string, unknown>, etag: string) {
  res.setHeader('ETag', etag);
  send(res, status, body);
}

function send(res: Response, status: number, body: unknown) {
  res.status(status).type('application/scim+json').send(JSON.stringify(body));
}

function handle(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
}
