import { DataSource } from 'typeorm';

/**
 * Every place in the public schema where `needle` occurs in a text-like value (text,
 * varchar, json, jsonb, arrays), as `table.column`, found by casting each column to
 * text. strpos rather than LIKE, because base64url secrets contain `_`, a LIKE wildcard.
 * Used to prove secrets are never stored in clear and erased profiles are gone.
 */
export async function whereStored(ds: DataSource, needle: string): Promise<string[]> {
  const columns: { table_name: string; column_name: string }[] = await ds.query(
    `SELECT c.table_name, c.column_name
       FROM information_schema.columns c
       JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
      WHERE c.table_schema = 'public' AND tb.table_type = 'BASE TABLE'
        AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')
      ORDER BY c.table_name, c.column_name`,
  );
  // A scan that silently finds no columns would prove nothing.
  if (columns.length < 20) throw new Error(`databaseScan: only ${columns.length} text-like columns found`);
  const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const found: string[] = [];
  for (const { table_name, column_name } of columns) {
    const [{ hit }]: { hit: boolean }[] = await ds.query(
      `SELECT EXISTS (SELECT 1 FROM ${ident(table_name)} WHERE strpos(${ident(column_name)}::text, $1) > 0) AS hit`,
      [needle],
    );
    if (hit) found.push(`${table_name}.${column_name}`);
  }
  return found;
}
