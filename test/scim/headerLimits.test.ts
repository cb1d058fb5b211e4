import http from 'node:http';
import net from 'node:net';
import { answerClientErrors } from '../../src/http/clientErrors';
import { makeDirectory } from '../support/factories';
import { scimError } from '../support/scimClient';
import { TestApp, createTestApp } from '../support/testApp';

/**
 * Requests Node's HTTP parser refuses before the app runs (over the 16 KiB header limit,
 * malformed) are answered with a JSON error body, not Node's empty one. supertest cannot
 * send such requests, so these go over a raw socket to a listening server.
 */

let t: TestApp;
let server: http.Server;
let port: number;
beforeAll(async () => {
  t = await createTestApp(process.env.DEBUG_LOG ? { LOG_LEVEL: 'error' } : {});
  server = http.createServer(t.app);
  answerClientErrors(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

type Answer = { status: number; type: string; body: unknown };

/** Writes `raw` in one piece and reads the answer until the server closes the connection. */
function exchange(raw: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(raw));
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, body] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      const type = /^content-type: (.*)$/im.exec(head)?.[1] ?? '';
      resolve({ status, type, body: body ? JSON.parse(body) : undefined });
    });
  });
}

test('a request line over the header limit is 414 or 431 with a SCIM error body', async () => {
  const dir = await makeDirectory(t.app);
  const filter = encodeURIComponent(`userName eq "${'x'.repeat(20000)}"`);
  const answer = await exchange(`GET /scim/v2/${dir.id}/Users?filter=${filter} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${dir.bearer_token}\r\n\r\n`);
  // Node counts the request line with the headers; 414 when the refused bytes show the line alone was too long.
  expect([414, 431]).toContain(answer.status);
  expect(answer).toEqual({ status: answer.status, type: 'application/scim+json; charset=utf-8', body: scimError(answer.status) });
});

test('headers over the limit are 431 with a SCIM error body', async () => {
  const dir = await makeDirectory(t.app);
  const answer = await exchange(`GET /scim/v2/${dir.id}/Users HTTP/1.1\r\nHost: x\r\nX-Padding: ${'p'.repeat(20000)}\r\n\r\n`);
  expect(answer).toEqual({ status: 431, type: 'application/scim+json; charset=utf-8', body: scimError(431) });
});

test('a malformed request is 400 with a SCIM error body; an admin API path gets the admin error shape', async () => {
  const scim = await exchange(`GET /scim/v2/x/Users HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n`);
  expect(scim).toEqual({ status: 400, type: 'application/scim+json; charset=utf-8', body: scimError(400) });
  const admin = await exchange(`GET /api/v1/environments HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n`);
  expect(admin).toEqual({
    status: 400,
    type: 'application/json; charset=utf-8',
    body: { error: { code: 'invalid_request', message: 'The request is not well-formed HTTP' } },
  });
});

test('requests within the limits are served as before', async () => {
  const dir = await makeDirectory(t.app);
  const answer = await exchange(`GET /scim/v2/${dir.id}/Users?count=0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${dir.bearer_token}\r\nConnection: close\r\n\r\n`);
  expect(answer.status).toBe(200);
});
