import { invalidRequest } from '../errors';

/** The admin API's list shape, shared by every list route (RFC-free; cursor paging). */
export type Page<T> = { data: T[]; list_metadata: { after: string | null } };

export type PageParams = { limit: number; after?: string };

/**
 * Cuts a page from the rows a list query read in id order with `LIMIT limit + 1` and
 * `id > after` (ids are ULID-based, so id order is creation order): the extra row only
 * tells that a next page exists, and the page's last id is that page's cursor.
 */
export function pageOf<R extends { id: string }>(rows: R[], limit: number): { rows: R[]; after: string | null } {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { rows: page, after: more ? page[page.length - 1].id : null };
}

/** Validates an `after` cursor against the id shape of the listed kind. */
export function checkCursor(after: string | undefined, pattern: RegExp): string | undefined {
  if (after !== undefined && !pattern.test(after)) throw invalidRequest('after is not a valid cursor');
  return after;
}
