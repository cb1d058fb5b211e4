import fs from 'node:fs';
import path from 'node:path';

/**
 * The layers of docs/architecture.md, checked on every import of src/: faces (SCIM, the
 * admin API, the CLI, the IdP hooks) call into the domain and never into each other; the
 * domain knows no face, no HTTP framework and no SCIM library; only the SCIM folder knows scimmy.
 * The composition roots (app, main, cli, workerMain) wire faces to the domain.
 */

const SRC = path.join(__dirname, '..', '..', 'src');
const FACES = ['scim', 'admin', 'cli', 'hooks'];
const DOMAIN = ['tenancy', 'directory', 'events', 'webhooks', 'jobs', 'audit', 'db'];
// Sources other than SCIM (which is also a face): they call the domain, like faces, and know no face.
const SOURCES = ['activity'];
const ROOTS = ['app.ts', 'main.ts', 'cli.ts', 'workerMain.ts'];

type Import = { file: string; target: string };

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Every static, dynamic and require import of a file: local ones resolved to a path under src/, packages by name. */
function importsOf(file: string): Import[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  return specifiers.map((s) => ({
    file: path.relative(SRC, file),
    target: s.startsWith('.') ? path.relative(SRC, path.resolve(path.dirname(file), s)) : `package:${s}`,
  }));
}

const all = sourceFiles(SRC).flatMap(importsOf);
const folderOf = (rel: string) => (rel.includes(path.sep) ? rel.split(path.sep)[0] : rel);

test('the import scan sees the code (a scan that finds nothing would pass every rule)', () => {
  expect(all.filter((i) => folderOf(i.file) === 'scim' && i.target.startsWith('directory')).length).toBeGreaterThan(0);
  expect(all.filter((i) => i.target === 'package:scimmy').length).toBeGreaterThan(0);
});

test('nothing outside a face imports from it, except the composition roots', () => {
  const offending = all.filter((i) => {
    const target = folderOf(i.target);
    return FACES.includes(target) && folderOf(i.file) !== target && !ROOTS.includes(i.file);
  });
  expect(offending).toEqual([]);
});

test('the domain and the sources import no face, no HTTP layer and no SCIM or web library', () => {
  const banned = new Set([...FACES, 'http', 'package:scimmy', 'package:scimmy-routers', 'package:express', 'package:passport', 'package:passport-http-bearer']);
  const offending = all.filter((i) => [...DOMAIN, ...SOURCES].includes(folderOf(i.file)) && (banned.has(folderOf(i.target)) || banned.has(i.target)));
  expect(offending).toEqual([]);
});

test('only the SCIM folder knows scimmy', () => {
  const offending = all.filter((i) => i.target.startsWith('package:scimmy') && folderOf(i.file) !== 'scim');
  expect(offending).toEqual([]);
});

test('the context and actor types live with the domain, and no "commands" folder is left', () => {
  expect(fs.existsSync(path.join(SRC, 'commands'))).toBe(false);
  const context = all.filter((i) => i.target === path.join('tenancy', 'context'));
  expect(context.length).toBeGreaterThan(10);
});
