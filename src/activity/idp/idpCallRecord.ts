import { IdpAnswer, IdpRequest, answerError } from './idpHttp';

/** One call as the audit log keeps it: the request line and the answer, never headers or bodies (they hold secrets). */
export type IdpCallRecord = { request: { method: string; url: string }; response: { status: number | null; error: string | null } };

/** Collects the calls of one piece of work, in order, for its audit entries. */
export type CallLog = IdpCallRecord[];

/** Appends a call and its answer to `log`. */
export function logCall(log: CallLog, req: IdpRequest, answer: IdpAnswer): void {
  const ok = answer.status !== null && answer.status >= 200 && answer.status < 300;
  log.push({ request: { method: req.method, url: req.url }, response: { status: answer.status, error: ok ? null : answerError(answer) } });
}
