import fs from 'node:fs';
import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import YAML from 'yaml';
import { OPENAPI_PATH } from '../../src/app';

/**
 * The contract check: responses the real app gives are matched against
 * openapi/openapi.yaml (the same file the app serves at /openapi.json). Schemas are
 * compiled with Ajv's JSON Schema 2020-12 dialect, which OpenAPI 3.1 schemas use.
 */

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

type Reference = { $ref: string };
type MediaType = { schema?: unknown };
type Header = { required?: boolean; schema?: unknown };
export type ResponseObject = {
  description: string;
  headers?: Record<string, Header | Reference>;
  content?: Record<string, MediaType>;
};
type RequestBody = { required?: boolean; content?: Record<string, MediaType> };
export type Operation = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: unknown[];
  requestBody?: RequestBody | Reference;
  responses: Record<string, ResponseObject | Reference>;
};
type PathItem = Partial<Record<HttpMethod, Operation>> & { parameters?: unknown[] };
export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string; description?: string };
  security?: Record<string, string[]>[];
  paths: Record<string, PathItem>;
  components?: { schemas?: Record<string, unknown>; responses?: Record<string, ResponseObject> };
};

/** What a response must offer to be checked: supertest's Response satisfies it. */
export type ObservedResponse = {
  status: number;
  headers: Record<string, unknown>;
  body: unknown;
  text?: string;
};

/** The operation a request was matched to and the documented status it returned. */
export type ContractMatch = { method: HttpMethod; template: string; operationId: string; status: string };

/** One documented operation: method, path template and operationId. */
export type DocumentedOperation = { method: HttpMethod; template: string; operationId: string; operation: Operation };

const DOC_ID = 'https://dsync.invalid/openapi.json';

/** The parsed OpenAPI document, read once. */
export const openapiDocument: OpenApiDocument = YAML.parse(fs.readFileSync(OPENAPI_PATH, 'utf8'));

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
// The whole document is registered so `#/components/schemas/...` references resolve. It is
// not itself a JSON Schema: its top-level fields become keywords without meaning, and it
// is not checked against the meta-schema.
ajv.addVocabulary([
  'openapi',
  'info',
  'jsonSchemaDialect',
  'servers',
  'paths',
  'webhooks',
  'components',
  'security',
  'tags',
  'externalDocs',
]);
ajv.addSchema(openapiDocument as object, DOC_ID, undefined, false);
const validators = new Map<string, ValidateFunction>();

/** A JSON pointer token (RFC 6901 §3). */
function pointerToken(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function atPointer(pointer: string): unknown {
  let node: unknown = openapiDocument;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null || !(token in node)) {
      throw new Error(`OpenAPI document has nothing at #${pointer}`);
    }
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/** Follows OpenAPI `$ref`s (responses, headers, request bodies) to the object and its pointer. */
function deref<T>(value: T | Reference, pointer: string): { value: T; pointer: string } {
  let current: unknown = value;
  let at = pointer;
  for (let hops = 0; typeof current === 'object' && current !== null && '$ref' in current; hops++) {
    if (hops > 10) throw new Error(`OpenAPI reference loop at #${at}`);
    const ref = (current as Reference).$ref;
    if (!ref.startsWith('#/')) throw new Error(`Only local references are supported, got ${ref} at #${at}`);
    at = ref.slice(1);
    current = atPointer(at);
  }
  return { value: current as T, pointer: at };
}

/** Compiles (once) the schema found at a JSON pointer into the document. */
export function schemaValidator(pointer: string): ValidateFunction {
  let v = validators.get(pointer);
  if (!v) {
    atPointer(pointer);
    v = ajv.compile({ $ref: `${DOC_ID}#${pointer}` });
    validators.set(pointer, v);
  }
  return v;
}

/** The validation errors of `value` against the schema at `pointer`, one readable line each. */
export function schemaErrors(pointer: string, value: unknown): string[] {
  const validate = schemaValidator(pointer);
  return validate(value) ? [] : formatErrors(validate.errors ?? []);
}

function formatErrors(errors: ErrorObject[]): string[] {
  return errors.map((e) => {
    const where = e.instancePath || '(root)';
    const params = Object.keys(e.params).length > 0 ? ` ${JSON.stringify(e.params)}` : '';
    return `${where} ${e.message ?? e.keyword}${params} [schema ${e.schemaPath}]`;
  });
}

/** Every operation the document describes. */
export function documentedOperations(): DocumentedOperation[] {
  const out: DocumentedOperation[] = [];
  for (const [template, item] of Object.entries(openapiDocument.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation)
        out.push({ method, template, operationId: operation.operationId ?? `${method} ${template}`, operation });
    }
  }
  return out;
}

function templateRegExp(template: string): RegExp {
  const pattern = template
    .split(/(\{[^}/]+\})/)
    .map((part) => (/^\{[^}/]+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`);
}

/**
 * Finds the operation for a concrete request. Literal paths win over templated ones
 * (OpenAPI 3.1 §4.8.8: concrete paths are matched before templated paths).
 */
export function findOperation(method: string, concretePath: string): DocumentedOperation {
  const m = method.toLowerCase() as HttpMethod;
  const path = concretePath.split('?')[0];
  const candidates = Object.keys(openapiDocument.paths)
    .filter((template) => templateRegExp(template).test(path))
    .sort((a, b) => (a.match(/\{/g) ?? []).length - (b.match(/\{/g) ?? []).length);
  if (candidates.length === 0)
    throw new Error(`Undocumented path: ${method.toUpperCase()} ${path} matches no path in openapi.yaml`);
  const template = candidates.find((t) => openapiDocument.paths[t][m]);
  if (!template) {
    throw new Error(
      `Undocumented method: ${method.toUpperCase()} ${path} (paths ${candidates.join(', ')} have no ${m} operation)`,
    );
  }
  const operation = openapiDocument.paths[template][m]!;
  return { method: m, template, operationId: operation.operationId ?? `${m} ${template}`, operation };
}

function headerValue(headers: Record<string, unknown>, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(', ') : String(v);
}

// supertest leaves `body` as {} for bodies it does not parse; show the text then.
function describeBody(res: ObservedResponse): string {
  const unparsed = typeof res.body === 'object' && res.body !== null && Object.keys(res.body).length === 0;
  const shown =
    (unparsed || res.body === undefined ? JSON.stringify(res.text ?? '') : JSON.stringify(res.body, null, 2)) ?? '';
  return shown.length > 2000 ? `${shown.slice(0, 2000)}…` : shown;
}

function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || /^application\/[\w.-]+\+json$/.test(type);
}

/** The documented media type (exact, `type/*` or `*\/*`) that a response's Content-Type falls under. */
function documentedMediaType(content: Record<string, MediaType>, contentType: string): string | undefined {
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type in content) return type;
  const range = `${type.split('/')[0]}/*`;
  if (range in content) return range;
  return '*/*' in content ? '*/*' : undefined;
}

/**
 * Asserts that a response is what openapi.yaml documents for `method concretePath`:
 * the path and method are documented, the status is listed for the operation, required
 * headers are present and valid, the Content-Type is a documented media type and the
 * body validates against its schema (or is empty when no content is documented).
 * Throws an error naming every mismatch; returns the matched operation and status.
 */
export function assertMatchesContract(res: ObservedResponse, method: string, concretePath: string): ContractMatch {
  const op = findOperation(method, concretePath);
  const label = `${op.method.toUpperCase()} ${concretePath} (${op.operationId}, ${op.template}) -> ${res.status}`;
  const fail = (problems: string[]): never => {
    throw new Error(
      `Response does not match openapi.yaml: ${label}\n  ${problems.join('\n  ')}\nbody: ${describeBody(res)}`,
    );
  };

  const status = String(res.status);
  const key =
    status in op.operation.responses
      ? status
      : `${status[0]}XX` in op.operation.responses
        ? `${status[0]}XX`
        : undefined;
  if (!key) fail([`status ${status} is not documented; documented: ${Object.keys(op.operation.responses).join(', ')}`]);
  const opPointer = `/paths/${pointerToken(op.template)}/${op.method}`;
  const { value: response, pointer: responsePointer } = deref<ResponseObject>(
    op.operation.responses[key!],
    `${opPointer}/responses/${key}`,
  );

  const problems: string[] = [];
  for (const [name, h] of Object.entries(response.headers ?? {})) {
    const { value: header, pointer: headerPointer } = deref<Header>(
      h,
      `${responsePointer}/headers/${pointerToken(name)}`,
    );
    const value = headerValue(res.headers, name);
    if (value === undefined) {
      if (header.required) problems.push(`required header ${name} is missing`);
      continue;
    }
    if (header.schema !== undefined) {
      problems.push(...schemaErrors(`${headerPointer}/schema`, value).map((e) => `header ${name}: ${e}`));
    }
  }

  const contentType = headerValue(res.headers, 'content-type');
  if (!response.content || Object.keys(response.content).length === 0) {
    if (res.text)
      problems.push(`no content is documented, but the response has a body (${contentType ?? 'no Content-Type'})`);
    if (problems.length) fail(problems);
    return { method: op.method, template: op.template, operationId: op.operationId, status: key! };
  }
  if (!contentType) {
    problems.push(`Content-Type is missing; documented: ${Object.keys(response.content).join(', ')}`);
    return fail(problems);
  }
  const mediaType = documentedMediaType(response.content, contentType);
  if (!mediaType) {
    problems.push(
      `Content-Type ${contentType} is not documented; documented: ${Object.keys(response.content).join(', ')}`,
    );
    return fail(problems);
  }
  if (response.content[mediaType].schema !== undefined) {
    const schemaPointer = `${responsePointer}/content/${pointerToken(mediaType)}/schema`;
    const value = isJsonMediaType(contentType.split(';')[0].trim().toLowerCase()) ? res.body : res.text;
    const schema = response.content[mediaType].schema as Partial<Reference>;
    const shown = typeof schema.$ref === 'string' ? schema.$ref : `#${schemaPointer}`;
    problems.push(...schemaErrors(schemaPointer, value).map((e) => `body does not match ${shown}: ${e}`));
  }
  if (problems.length) fail(problems);
  return { method: op.method, template: op.template, operationId: op.operationId, status: key! };
}

/**
 * The validation errors of a request body against the operation's documented JSON
 * request body schema (empty when it is valid). Throws if the operation takes no body.
 */
export function requestBodyErrors(method: string, concretePath: string, body: unknown): string[] {
  const op = findOperation(method, concretePath);
  if (!op.operation.requestBody) throw new Error(`${op.operationId} documents no request body`);
  const opPointer = `/paths/${pointerToken(op.template)}/${op.method}`;
  const { value: requestBody, pointer } = deref<RequestBody>(op.operation.requestBody, `${opPointer}/requestBody`);
  if (!requestBody.content?.['application/json'])
    throw new Error(`${op.operationId} documents no application/json body`);
  return schemaErrors(`${pointer}/content/application~1json/schema`, body);
}
