import net from 'node:net';
import request from 'supertest';
import { DsyncProcess, PROCESS_ADMIN_KEY, ScratchDatabase, createScratchDatabase, startDsyncProcess } from '../support/serverProcess';
import { ADMIN_KEY, TestApp, createTestApp } from '../support/testApp';

/**
 * The running server (src/main.ts) answers requests Node's HTTP parser refuses with an
 * error body in the face's format, and the admin API answers an undecodable path with a
 * 400, never a 500.
 */

let db: ScratchDatabase;
let server: DsyncProcess;
let t: TestApp;
beforeAll(async () => {
  db = await createScratchDatabase('client_errors');
  server = await startDsyncProcess({ databaseUrl: db.url });
  t = await createTestApp();
});
afterAll(async () => {
  await server?.stop();
  await db?.drop();
  await t?.close();
});

/** Sends raw bytes and returns the whole answer. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
    socket.setEncoding('latin1').on('data', (d: string) => (answer += d));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

test('headers over the limit get 431 with a JSON error body from the server process', async () => {
  const answer = await raw(
    server.port,
    `GET /api/v1/environments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${PROCESS_ADMIN_KEY}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
  );
  const [head, body] = answer.split('\r\n\r\n');
  expect(head.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
  expect(JSON.parse(body)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
});

test('an admin path that does not percent-decode is a 400 in the admin format', async () => {
  const res = await request(t.app).get('/api/v1/environments/%zz').set('Authorization', `Bearer ${ADMIN_KEY}`);
  expect([res.status, res.body]).toEqual([400, { error: { code: 'invalid_request', message: 'The request path is not valid percent-encoded UTF-8' } }]);
});
