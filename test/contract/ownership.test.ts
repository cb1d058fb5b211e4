import fs from 'node:fs';
import path from 'node:path';
import { documentedOperations } from '../support/openapi';
import { OWNED_TAGS } from './ownership';

/**
 * Each contract test file asserts coverage only of the tags it owns, so the ownership
 * map itself must leave no tag unowned: an operation under an unowned tag would have no
 * file proving its statuses were reached.
 */

const owned = Object.values(OWNED_TAGS).flat();
const used = new Set(documentedOperations().flatMap((o) => o.operation.tags ?? []));

test('every operation has a tag', () => {
  const untagged = documentedOperations().filter((o) => (o.operation.tags ?? []).length === 0);
  expect(untagged.map((o) => o.operationId)).toEqual([]);
});

test('the owned tags together are exactly the tags operations use, each owned by one file', () => {
  expect([...owned].sort()).toEqual([...used].sort());
  expect(owned.filter((tag, i) => owned.indexOf(tag) !== i)).toEqual([]);
});

test('every owner is a contract test file that asserts coverage of its own tags', () => {
  for (const file of Object.keys(OWNED_TAGS)) {
    const source = path.join(__dirname, `${file}.test.ts`);
    // Read as text: requiring another test file would run its tests here.
    const text = fs.existsSync(source) ? fs.readFileSync(source, 'utf8') : '';
    expect({ file, asserts: text.includes(`expectTagsCovered(OWNED_TAGS.${file}`) }).toEqual({ file, asserts: true });
  }
});
