import pino, { Logger } from 'pino';

/**
 * Structured JSON logs. Authorization headers and anything shaped like a secret are
 * redacted by path, so a careless log call cannot leak a token or key.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'dsync' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
        '*.bearer_token',
        '*.secret',
        '*.password',
        '*.key',
      ],
      censor: '[redacted]',
    },
  });
}
