import pino, { type Logger } from 'pino';

/**
 * OPS-1 / SEC-2: structured logs that never carry a secret. Paths cover request headers and
 * any field that commonly holds one, wherever it is nested.
 */
export const redactPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.passwordHash',
  '*.token',
  '*.code',
  '*.secret',
  '*.apiKey',
  '*.accessToken',
  '*.refreshToken',
  '*.totpSecret',
  'password',
  'token',
  'apiKey',
  'secret',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      base: { service: 'kestrel' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
