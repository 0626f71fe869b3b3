import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stderr (stdout belongs to the local console).
 * Anything that looks like a credential is redacted, wherever it appears in a logged object.
 */
export function createLogger(level: string = 'info'): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          '*.token',
          '*.botToken',
          '*.appToken',
          '*.signingSecret',
          '*.ingestToken',
          '*.password',
          '*.authorization',
          '*.headers.authorization',
          'config.slack',
          'databaseUrl',
          '*.databaseUrl',
        ],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}

/** A logger that drops everything, for tests and one-shot tools that print their own output. */
export const silentLogger: Logger = pino({ level: 'silent' });
