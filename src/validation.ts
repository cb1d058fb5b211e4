import { z } from 'zod';
import { invalidRequest } from './errors';

/**
 * Parses input with a zod schema, turning failures into one invalid_request error
 * that lists each problem by field (unknown fields included, as schemas are strict).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({
    field: i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(',') : '(body)'),
    message: i.message,
  }));
  const first = problems[0];
  throw invalidRequest(`${first.field}: ${first.message}`, { errors: problems });
}

/**
 * A human-entered name: trimmed, 1–200 characters. PostgreSQL text cannot hold
 * U+0000, so it is refused here rather than failing the insert.
 */
export const nameField = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');

/** The admin API's `limit` and `after` list parameters. */
export const listParams = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  after: z.string().min(1).max(100).optional(),
});
