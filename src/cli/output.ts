import Table from 'cli-table3';
import { Command } from 'commander';
import { CliIo } from './runtime';

/** A rendering choice for one result: the API's JSON, or a table and notes for people. */
export type Rendering = {
  json: unknown;
  table: () => string;
};

/** True when the user asked for JSON (`--json`, accepted before or after the command). */
export function wantsJson(cmd: Command): boolean {
  return cmd.optsWithGlobals<{ json?: boolean }>().json === true;
}

/** Writes a result as the admin API's JSON with --json, else as the rendering's table. */
export function emit(cmd: Command, io: CliIo, rendering: Rendering): void {
  if (wantsJson(cmd)) io.stdout.write(`${JSON.stringify(rendering.json, null, 2)}\n`);
  else io.stdout.write(rendering.table());
}

// No colours: output goes to terminals, pipes and ticket comments alike.
const plain = { style: { head: [], border: [], compact: true } };

/** One record as a two-column table of field and value, without the `object` tag. */
export function recordTable(view: Record<string, unknown>): string {
  const table = new Table(plain);
  for (const [field, value] of Object.entries(view)) {
    if (field !== 'object') table.push([field, cell(value)]);
  }
  return `${table.toString()}\n`;
}

/** A list as a table with the given columns, followed by how to get the next page. */
export function listTable(
  columns: string[],
  rows: Record<string, unknown>[],
  listMetadata: { after: string | null },
): string {
  const table = new Table({ ...plain, head: columns });
  for (const row of rows) table.push(columns.map((c) => cell(row[c])));
  const more = listMetadata.after ? `More results: add --after ${listMetadata.after}\n` : '';
  return `${table.toString()}\n${more}`;
}

/** A secret shown once, with the reminder that it cannot be shown again. */
export function secretNote(label: string, secret: string): string {
  return `${label}: ${secret}\nStore this ${label} now: it is shown only once.\n`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '-';
  return String(value);
}
