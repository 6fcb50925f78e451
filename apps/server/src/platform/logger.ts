import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { level: string; pretty: boolean }): Logger {
  return pino({
    level: options.level,
    // Never log credentials or session cookies, whatever object a call site hands over.
    redact: [
      'req.headers.cookie',
      'req.headers.authorization',
      'password',
      '*.password',
      'credentials',
      '*.accessToken',
    ],
    ...(options.pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } }
      : {}),
  });
}
