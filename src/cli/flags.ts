import { z } from 'zod';
import { AppError, invalidRequest } from '../errors';
import { parseInput } from '../validation';

/**
 * Validates flag values with the admin API's zod schema, so the CLI accepts exactly
 * what the API accepts, and names the offending flag (e.g. `--organization`) instead
 * of the JSON field (`organization_name`) in the error.
 */
export function parseFlags<S extends z.ZodType>(schema: S, value: unknown, flagOf: Record<string, string>): z.infer<S> {
  try {
    return parseInput(schema, value);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'invalid_request') throw err;
    // parseInput's message is `<field path>: <problem>`; `domains.1` is the second --domain.
    const m = /^([^:.]+)(?:\.[^:]*)?: ([\s\S]*)$/.exec(err.message);
    const flag = m ? flagOf[m[1]] : undefined;
    if (!m || !flag) throw err;
    throw invalidRequest(`${flag}: ${m[2]}`, err.details);
  }
}

/** Commander's parser for a repeatable option: each occurrence is appended. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
