/** RFC 7644 §3.12 error response body. */
export type ScimErrorBody = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'];
  status: string;
  scimType?: string;
  detail: string;
};

/** Builds an RFC 7644 §3.12 error body; `status` is a string there, as the RFC's examples show. */
export function scimErrorBody(status: number, detail: string, scimType?: string): ScimErrorBody {
  return {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: String(status),
    ...(scimType ? { scimType } : {}),
    detail,
  };
}
