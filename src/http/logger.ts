import pino, { DestinationStream, Logger } from 'pino';
import { loggableError } from './loggableError';

const CENSORED = '[redacted]';

// RFC 6750 §2.3 lets a bearer token travel as the `access_token` query parameter. We
// refuse it (src/http/tokenPlacement.ts), but the refused request is still logged, so the
// logged URL and query lose it in every spelling the query parser reads as that name:
// `access_token[]=`, `access_token[a]=`, `access%5Ftoken=`.
function censorQueryTokens(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const pairs = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    return decodedName(name).toLowerCase().startsWith('access_token') ? `${name}=${CENSORED}` : pair;
  });
  return `${url.slice(0, q)}?${pairs.join('&')}`;
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/**
 * Structured JSON logs. Authorization headers and anything shaped like a secret are
 * redacted by path, so a careless log call cannot leak a token or key; logged errors lose
 * the data a refused write carried (src/http/loggableError.ts). `destination`
 * defaults to stdout; tests pass an in-memory stream to read what would be logged.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'dsync' },
    // A database error's parameters, detail and quoted values are the data it refused.
    serializers: { err: loggableError, error: loggableError },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'req.headers["proxy-authorization"]',
        'req.query.access_token',
        'req.url',
        'res.headers["set-cookie"]',
        // body-parser errors carry the raw request body, which may hold a secret.
        'err.body',
        '*.bearer_token',
        '*.secret',
        '*.password',
        '*.key',
      ],
      censor: censor,
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

// One censor for every path: URLs keep their shape (minus a query token) so logs stay
// useful; every other matched value is replaced whole.
function censor(value: unknown, path: string[]): unknown {
  if (path.join('.') === 'req.url') {
    return typeof value === 'string' ? censorQueryTokens(value) : value;
  }
  return CENSORED;
}
