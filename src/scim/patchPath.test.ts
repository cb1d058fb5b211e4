import SCIMMY from 'scimmy';
import { canonicalPatchPath } from './patchPath';
import fixtures from './patchPath.fixtures.json';
import { ResourceKind } from './resourceMapping';
import { setUpScimmy } from './scimSetup';

beforeAll(() => setUpScimmy());

describe('canonicalPatchPath spells declared names as declared (RFC 7643 §2.1) and keeps the rest', () => {
  test.each(fixtures.canonical)('$kind: $path', ({ kind, path, expected }) => {
    expect(canonicalPatchPath(kind as ResourceKind, path)).toBe(expected);
  });
});

describe('canonicalPatchPath refuses what RFC 7644 §3.5.2 does not allow with invalidPath', () => {
  test.each(fixtures.invalidPath)('$kind: $path', ({ kind, path }) => {
    let thrown: unknown;
    try {
      canonicalPatchPath(kind as ResourceKind, path);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SCIMMY.Types.Error);
    const e = thrown as InstanceType<typeof SCIMMY.Types.Error>;
    expect({ status: e.status, scimType: e.scimType }).toEqual({ status: 400, scimType: 'invalidPath' });
  });
});
