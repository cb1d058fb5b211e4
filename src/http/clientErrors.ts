import http from 'node:http';
import { Duplex } from 'node:stream';

/**
 * Requests Node's HTTP parser refuses before any handler runs (a request line or headers
 * over the header limit, a malformed request) get a JSON error body instead of Node's
 * empty one: RFC 7644 §3.12 for SCIM paths, the admin API's shape for /api/ paths.
 * Which path was asked is read from the start of the refused bytes when they hold it;
 * without it the SCIM shape is used, as IdPs are the clients that send long filters.
 */
export function answerClientErrors(server: http.Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    // Nothing sensible can be written to a connection that is gone or half-answered.
    if (err.code === 'ECONNRESET' || !socket.writable || (socket as Duplex & { bytesWritten?: number }).bytesWritten) {
      socket.destroy();
      return;
    }
    const { status, reason, detail } = describe(err);
    const packet = err.rawPacket?.subarray(0, 512).toString('latin1') ?? '';
    const admin = /^[A-Z]+ \/api\//.test(packet);
    const body = admin
      ? JSON.stringify({ error: { code: status === 400 ? 'invalid_request' : 'request_too_large', message: detail } })
      : JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail });
    const type = admin ? 'application/json' : 'application/scim+json';
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: ${type}; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}

function describe(err: NodeJS.ErrnoException & { rawPacket?: Buffer }): { status: number; reason: string; detail: string } {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    // The parser counts the request line with the headers; a packet that starts a request
    // and holds no line break yet means the request line alone was too long (RFC 9110 §15.5.15).
    const packet = err.rawPacket?.toString('latin1') ?? '';
    if (/^[A-Z]+ \//.test(packet) && !packet.includes('\r\n')) {
      return { status: 414, reason: 'URI Too Long', detail: 'The request line is longer than this server accepts' };
    }
    return {
      status: 431,
      reason: 'Request Header Fields Too Large',
      detail: 'The request line and headers are larger than this server accepts (RFC 6585 §5)',
    };
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, reason: 'Request Timeout', detail: 'The request took too long to arrive' };
  return { status: 400, reason: 'Bad Request', detail: 'The request is not well-formed HTTP' };
}
