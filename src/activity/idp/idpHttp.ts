import http from 'node:http';
import https from 'node:https';
import { checkWebhookUrl, guardedLookup, literalAddressRefusal } from '../../webhooks/urlPolicy';
import { IdpCalls } from './idpCalls';

/** One call to an identity provider's API. Headers may carry credentials; they are never recorded. */
export type IdpRequest = { method: 'GET' | 'POST' | 'DELETE'; url: string; headers?: Record<string, string>; body?: string };

/** The answer: a status and body, or why there was none (refused by the URL policy, timeout, network). */
export type IdpAnswer = { status: number | null; retryAfter: string | undefined; body: string; error: string | null };

// A page of Graph users with their sign-in activity is well under this.
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/**
 * Makes one call under the webhook URL policy: http(s) only, no credentials in the URL,
 * no private, loopback or special-purpose address unless WEBHOOK_ALLOW_PRIVATE_NETWORKS
 * (literal addresses checked before connecting, names after resolution, so no DNS
 * rebinding), no redirects followed, the whole call bounded by the timeout. Never throws.
 */
export function callIdp(calls: IdpCalls, req: IdpRequest): Promise<IdpAnswer> {
  const refused = checkWebhookUrl(req.url, calls.allowPrivateNetworks);
  if (refused) return Promise.resolve(failed(`Refused to call ${safeOrigin(req.url)}: ${refused.replace(/^url /, '')}`));
  const target = new URL(req.url);
  const literal = literalAddressRefusal(target.hostname, calls.allowPrivateNetworks);
  if (literal) return Promise.resolve(failed(literal));
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: IdpAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const client = target.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    const request = client.request(
      target,
      { method: req.method, headers, lookup: guardedLookup(calls.allowPrivateNetworks) as never, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            res.destroy();
            finish(failed(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
          } else chunks.push(chunk);
        });
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          finish({ status: res.statusCode ?? 0, retryAfter, body: Buffer.concat(chunks).toString('utf8'), error: null });
        });
        res.on('error', (err) => finish(failed(err.message)));
      },
    );
    const timer = setTimeout(() => request.destroy(new Error(`timed out after ${calls.timeoutMs} ms`)), calls.timeoutMs);
    request.on('error', (err) => finish(failed(err.message.slice(0, 500))));
    request.end(req.body);
  });
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'a malformed URL';
  }
}

function failed(error: string): IdpAnswer {
  return { status: null, retryAfter: undefined, body: '', error };
}

/** The body as JSON, or undefined when it is not JSON. */
export function jsonBody(answer: IdpAnswer): unknown {
  try {
    return answer.body === '' ? undefined : JSON.parse(answer.body);
  } catch {
    return undefined;
  }
}

/**
 * What went wrong with a call, for `last_error` and the audit log: the transport error,
 * or the status with the provider's own summary (Okta's `errorSummary`, Graph's
 * `error.message`), never the rest of the body.
 */
export function answerError(answer: IdpAnswer): string {
  if (answer.error !== null) return answer.error;
  const body = jsonBody(answer) as { errorSummary?: unknown; error?: { message?: unknown }; error_description?: unknown } | undefined;
  const summary = [body?.errorSummary, body?.error?.message, body?.error_description].find((s) => typeof s === 'string') as string | undefined;
  return `HTTP ${answer.status}${summary ? `: ${summary.slice(0, 300)}` : ''}`;
}
