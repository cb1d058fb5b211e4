import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import ts from 'typescript';

// One typed definition per table (docs/architecture.md): src/db/tables/<table in camelCase>.ts
// exports the row type, whose fields are exactly the table's columns.
const TABLES_DIR = path.resolve(__dirname, '../../src/db/tables');
// TypeORM's own bookkeeping, not ours.
const NOT_OURS = new Set(['migrations']);

const camelCase = (table: string) => table.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The field names of every `export type …Row = { … }` in a file. */
function rowTypeFields(file: string): Map<string, string[]> {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const found = new Map<string, string[]>();
  for (const statement of source.statements) {
    if (!ts.isTypeAliasDeclaration(statement) || !statement.name.text.endsWith('Row')) continue;
    if (!ts.isTypeLiteralNode(statement.type)) continue;
    const names = statement.type.members.map((m) => (m.name && ts.isIdentifier(m.name) ? m.name.text : '?'));
    found.set(statement.name.text, names);
  }
  return found;
}

/** The columns of every table of the migrated test database. */
async function columnsByTable(): Promise<Map<string, string[]>> {
  const c = new Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    const { rows } = await c.query<{ table_name: string; column_name: string }>(
      `SELECT c.table_name, c.column_name
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'`,
    );
    const tables = new Map<string, string[]>();
    for (const r of rows) if (!NOT_OURS.has(r.table_name)) tables.set(r.table_name, [...(tables.get(r.table_name) ?? []), r.column_name]);
    return tables;
  } finally {
    await c.end();
  }
}

test('every table has one row type in src/db/tables, with exactly its columns', async () => {
  const tables = await columnsByTable();
  expect(tables.size).toBeGreaterThan(0);
  const files = fs.readdirSync(TABLES_DIR).sort();
  expect(files).toEqual([...tables.keys()].map((t) => `${camelCase(t)}.ts`).sort());
  for (const [table, columns] of tables) {
    const rowTypes = rowTypeFields(path.join(TABLES_DIR, `${camelCase(table)}.ts`));
    expect({ table, rowTypes: rowTypes.size }).toEqual({ table, rowTypes: 1 });
    const [fields] = [...rowTypes.values()];
    expect({ table, fields: [...fields].sort() }).toEqual({ table, fields: [...columns].sort() });
  }
});
