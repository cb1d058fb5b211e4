import fs from 'node:fs';
import request from 'supertest';
import YAML from 'yaml';
import { OPENAPI_PATH } from '../../src/app';
import { HTTP_METHODS, documentedOperations, openapiDocument, schemaValidator } from '../support/openapi';
import { TestApp, createTestApp } from '../support/testApp';

/** The parts of an Express 4 router layer that the walk below reads. */
type Layer = {
  name: string;
  regexp: RegExp & { fast_slash?: boolean };
  keys: { name: string }[];
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
};

// Paths outside /api/v1 that are implemented but deliberately not operations of the document.
const UNDOCUMENTED_BY_DESIGN = new Set([
  'GET /openapi.json', // serves this document itself
]);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/**
 * The path a router was mounted on, recovered from the regexp Express 4 compiled it
 * to (path-to-regexp 0.1: `^\/api\/v1\/?(?=\/|$)`, params as `(?:\/([^/]+?))`).
 */
function mountPath(layer: Layer): string {
  if (layer.regexp.fast_slash) return '';
  let keyIndex = 0;
  const path = layer.regexp.source
    .replace(/^\^/, '')
    .replace(/\\\/\?\(\?=\\\/\|\$\)$/, '')
    .replace(/\(\?:\\\/\(\[\^\/\]\+\?\)\)/g, () => `/:${layer.keys[keyIndex++].name}`)
    .replace(/\\\//g, '/');
  if (/[\\()[\]?*+|^$]/.test(path)) throw new Error(`Cannot read the mount path of ${layer.regexp}`);
  return path;
}

/** Every `METHOD /path` registered in an Express 4 router, nested routers included, as OpenAPI templates. */
function registeredRoutes(stack: Layer[], prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const p of paths) {
        const template = `${prefix}${p}`.replace(/:(\w+)/g, '{$1}');
        for (const m of Object.keys(layer.route.methods)) {
          if (m !== '_all') out.push(`${m.toUpperCase()} ${template}`);
        }
      }
    } else if (layer.name === 'router' && layer.handle.stack) {
      out.push(...registeredRoutes(layer.handle.stack, `${prefix}${mountPath(layer)}`));
    }
  }
  return out;
}

function implemented(): Set<string> {
  const router = (t.app as unknown as { _router: { stack: Layer[] } })._router;
  return new Set(registeredRoutes(router.stack));
}

function documented(): Set<string> {
  return new Set(documentedOperations().map((o) => `${o.method.toUpperCase()} ${o.template}`));
}

const sorted = (s: Iterable<string>) => [...s].sort();

describe('the documented operations are the implemented routes', () => {
  test('the route walk finds the admin API', () => {
    // Guards the walk itself: if it found nothing, the equality below would prove nothing.
    expect(implemented()).toContain('GET /api/v1/environments/{id}');
    expect(implemented()).toContain('DELETE /api/v1/directories/{id}/tokens/{tokenId}');
  });

  test('every /api/v1 route is documented and every documented /api/v1 operation is implemented', () => {
    const api = (s: Set<string>) => sorted([...s].filter((r) => r.split(' ')[1].startsWith('/api/v1/')));
    expect(api(documented())).toEqual(api(implemented()));
  });

  test('the operational endpoints outside /api/v1 are documented, and nothing else is', () => {
    const outside = (s: Set<string>) =>
      sorted(
        [...s].filter((r) => {
          const path = r.split(' ')[1];
          return !path.startsWith('/api/v1/') && !path.startsWith('/scim/v2/') && !UNDOCUMENTED_BY_DESIGN.has(r);
        }),
      );
    expect(outside(documented())).toEqual(['GET /healthz', 'GET /hooks/okta/{directoryId}', 'GET /metrics', 'GET /readyz', 'POST /hooks/okta/{directoryId}']);
    expect(outside(implemented())).toEqual(outside(documented()));
  });
});

describe('the document', () => {
  test('is OpenAPI 3.1 and every operation has an id, summary, description and responses', () => {
    expect(openapiDocument.openapi).toBe('3.1.0');
    const ops = documentedOperations();
    expect(new Set(ops.map((o) => o.operationId)).size).toBe(ops.length);
    for (const o of ops) {
      expect({
        op: o.operationId,
        summary: typeof o.operation.summary,
        description: typeof o.operation.description,
      }).toEqual({
        op: o.operationId,
        summary: 'string',
        description: 'string',
      });
      expect(Object.keys(o.operation.responses).length).toBeGreaterThan(0);
    }
  });

  test('every /api/v1 operation needs the bearer key and documents 401 and 500', () => {
    expect(openapiDocument.security).toEqual([{ bearerAuth: [] }]);
    for (const o of documentedOperations().filter((op) => op.template.startsWith('/api/v1/'))) {
      expect({ op: o.operationId, security: o.operation.security }).toEqual({ op: o.operationId, security: undefined });
      expect({ op: o.operationId, statuses: Object.keys(o.operation.responses) }).toEqual({
        op: o.operationId,
        statuses: expect.arrayContaining(['401', '500']),
      });
    }
  });

  test('every schema, response body and request body compiles, with all references resolved', () => {
    const pointers: string[] = Object.keys(openapiDocument.components?.schemas ?? {}).map(
      (n) => `/components/schemas/${n}`,
    );
    for (const [name, r] of Object.entries(openapiDocument.components?.responses ?? {})) {
      for (const type of Object.keys(r.content ?? {})) {
        pointers.push(`/components/responses/${name}/content/${type.replace(/\//g, '~1')}/schema`);
      }
    }
    for (const [template, item] of Object.entries(openapiDocument.paths)) {
      const base = `/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      for (const m of HTTP_METHODS) {
        const op = item[m];
        if (!op) continue;
        for (const [status, r] of Object.entries(op.responses)) {
          const content = 'content' in r ? r.content : undefined;
          for (const type of Object.keys(content ?? {})) {
            pointers.push(`${base}/${m}/responses/${status}/content/${type.replace(/\//g, '~1')}/schema`);
          }
        }
        if (op.requestBody && 'content' in op.requestBody) {
          pointers.push(`${base}/${m}/requestBody/content/application~1json/schema`);
        }
      }
    }
    expect(pointers.length).toBeGreaterThan(40);
    for (const p of pointers) expect(() => schemaValidator(p)).not.toThrow();
  });
});

describe('the document is served', () => {
  test('GET /openapi.json returns the document', async () => {
    const res = await request(t.app).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(YAML.parse(fs.readFileSync(OPENAPI_PATH, 'utf8')));
  });

  test('GET /docs/ returns the HTML reference', async () => {
    const res = await request(t.app).get('/docs/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<title>dsync API reference</title>');
  });
});
