/** What a body-parser failure means for the client. */
export type BodyError = {
  status: 400 | 413 | 415;
  code: 'invalid_request' | 'payload_too_large' | 'unsupported_media_type';
  message: string;
};

/**
 * Recognises errors thrown by express.json (body-parser): malformed JSON, an
 * oversized body, an unsupported charset or encoding, a body that does not inflate
 * as its Content-Encoding says. Returns undefined for others.
 */
export function bodyParserError(err: unknown): BodyError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { type?: unknown; status?: unknown; limit?: unknown; code?: unknown };
  // body-parser passes zlib's error on with status 400 and no type (Z_DATA_ERROR, Z_BUF_ERROR, …).
  if (e.status === 400 && typeof e.code === 'string' && e.code.startsWith('Z_')) {
    return { status: 400, code: 'invalid_request', message: 'Request body could not be decompressed as its Content-Encoding says' };
  }
  switch (e.type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'invalid_request', message: 'Request body is not valid JSON' };
    case 'entity.too.large':
      return { status: 413, code: 'payload_too_large', message: `Request body exceeds the limit of ${e.limit} bytes` };
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return { status: 415, code: 'unsupported_media_type', message: 'Unsupported body charset or encoding' };
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return { status: 400, code: 'invalid_request', message: 'Request body could not be read' };
    default:
      return undefined;
  }
}
