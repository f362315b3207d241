import pino, { type Logger } from 'pino';

/**
 * JSON lines by default (what log shippers read); pretty lines in development on a
 * terminal when pino-pretty is installed. Comment text, emails and IPs are never
 * logged at info level: log ids.
 */
export function createLogger(options: { level: string; production: boolean }): Logger {
  if (!options.production && process.stdout.isTTY && hasPrettyPrinter()) {
    return pino({ level: options.level, transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } });
  }
  return pino({ level: options.level });
}

function hasPrettyPrinter(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
