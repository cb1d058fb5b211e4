import createClient, { type Client } from 'openapi-fetch';
import { unwrap } from './apiError.js';
import type { DirectoryGroup, DirectoryUser, DsyncEvent, EventType } from './events.js';
import { type EventStreamOptions, streamEvents } from './eventStream.js';
import type { components, operations, paths } from './generated/adminApi.js';

/** Options of DsyncClient. */
export type DsyncClientOptions = {
  /** The dsync server's origin, e.g. `http://localhost:3000` (the API lives under `/api/v1`). */
  baseUrl: string;
  /** An environment API key (`dsync_key_…`), or the admin key. Sent as a bearer token. */
  apiKey: string;
  /** A fetch implementation; default the global `fetch` (Node 18+). */
  fetch?: (request: Request) => Promise<Response>;
};

/** One page of a list: its items and the cursor of the next page (`null` on the last). */
export type Page<T> = { data: T[]; after: string | null };

/** Paging of the admin API's lists: up to `limit` (1–100, default 10) items after the cursor `after`. */
export type PageParams = { limit?: number; after?: string };

type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

/** Filters of `directoryUsers.list`. */
export type DirectoryUserListParams = PageParams & {
  directoryId?: string;
  state?: Query<'listDirectoryUsers'>['state'];
  lifecycle?: Query<'listDirectoryUsers'>['lifecycle'];
};

/** Filters of `events.list`; `after` is a position (the `position` of the last event you handled). */
export type EventListParams = {
  environmentId?: string;
  directoryId?: string;
  types?: readonly EventType[];
  after?: number | string | null;
  limit?: number;
  signal?: AbortSignal;
};

/**
 * The admin API from an app's side: directory users and groups, the event log, and an
 * events stream. `api` is the typed openapi-fetch client for every other operation
 * (its types are generated from dsync's OpenAPI document).
 */
export class DsyncClient {
  /** Every admin API operation, typed from the OpenAPI document: `client.api.GET('/api/v1/…', …)`. */
  readonly api: Client<paths>;

  constructor(options: DsyncClientOptions) {
    if (!options.baseUrl || !options.apiKey) throw new TypeError('DsyncClient needs baseUrl and apiKey');
    this.api = createClient<paths>({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      headers: { Authorization: `Bearer ${options.apiKey}` },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /** The people apps see (`/api/v1/directory-users`). */
  readonly directoryUsers = {
    /** One page of directory users, oldest first. */
    list: async (params: DirectoryUserListParams = {}): Promise<Page<DirectoryUser>> => {
      const { directoryId, ...rest } = params;
      const query = { ...rest, ...(directoryId ? { directory_id: directoryId } : {}) };
      return toPage(unwrap(await this.api.GET('/api/v1/directory-users', { params: { query } })));
    },
    /** Every directory user matching the filters, page after page. */
    listAll: (params: Omit<DirectoryUserListParams, 'after'> = {}): AsyncGenerator<DirectoryUser> =>
      eachItem((after) => this.directoryUsers.list({ limit: 100, ...params, after })),
    /** One directory user with its groups and lifecycle. */
    get: async (id: string): Promise<DirectoryUser> =>
      unwrap(await this.api.GET('/api/v1/directory-users/{id}', { params: { path: { id } } })),
  };

  /** The groups apps see (`/api/v1/directory-groups`). */
  readonly directoryGroups = {
    /** One page of directory groups, oldest first. */
    list: async (params: PageParams & { directoryId?: string } = {}): Promise<Page<DirectoryGroup>> => {
      const { directoryId, ...rest } = params;
      const query = { ...rest, ...(directoryId ? { directory_id: directoryId } : {}) };
      return toPage(unwrap(await this.api.GET('/api/v1/directory-groups', { params: { query } })));
    },
    /** Every directory group, page after page. */
    listAll: (params: { directoryId?: string } = {}): AsyncGenerator<DirectoryGroup> =>
      eachItem((after) => this.directoryGroups.list({ limit: 100, ...params, after })),
    /** One directory group. */
    get: async (id: string): Promise<DirectoryGroup> =>
      unwrap(await this.api.GET('/api/v1/directory-groups/{id}', { params: { path: { id } } })),
    /** One page of a group's members, as directory users. */
    listUsers: async (id: string, params: PageParams = {}): Promise<Page<DirectoryUser>> =>
      toPage(unwrap(await this.api.GET('/api/v1/directory-groups/{id}/users', { params: { path: { id }, query: params } }))),
  };

  /** The ordered event log (`/api/v1/events`). */
  readonly events = {
    /**
     * One page of events in `position` order after the position `after`. On an empty page
     * `after` echoes your cursor, so you can keep polling with it.
     */
    list: async (params: EventListParams = {}): Promise<Page<DsyncEvent>> => {
      const query: Query<'listEvents'> = {
        ...(params.limit !== undefined ? { limit: params.limit } : {}),
        ...(params.after !== undefined && params.after !== null ? { after: String(params.after) } : {}),
        ...(params.environmentId ? { environment_id: params.environmentId } : {}),
        ...(params.directoryId ? { directory_id: params.directoryId } : {}),
        ...(params.types && params.types.length > 0 ? { types: params.types.join(',') } : {}),
      };
      const page = unwrap(await this.api.GET('/api/v1/events', { params: { query }, signal: params.signal }));
      return { data: page.data as DsyncEvent[], after: page.list_metadata.after };
    },
    /**
     * Every event after `after`, as an async iterator that polls the log and waits (with
     * backoff) when it is idle or the server fails. Delivery to you is at least once:
     * persist `event.position` after handling each event and pass it as `after` to resume.
     * See EventStreamOptions.
     */
    stream: (options: EventStreamOptions = {}): AsyncGenerator<DsyncEvent, void, undefined> =>
      streamEvents((params) => this.events.list(params), options),
  };
}

function toPage<T>(body: { data: T[]; list_metadata: components['schemas']['ListMetadata'] }): Page<T> {
  return { data: body.data, after: body.list_metadata.after };
}

async function* eachItem<T>(fetchPage: (after: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  let after: string | undefined;
  do {
    const page = await fetchPage(after);
    yield* page.data;
    after = page.after ?? undefined;
  } while (after);
}
