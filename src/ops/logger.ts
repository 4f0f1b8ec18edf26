// pino, with secrets kept out: header credentials are redacted and the per-job callback token is masked
// in every logged URL (it is the job's secret).
import { pino, type Logger } from 'pino';

export const maskUrl = (url: string): string => url.replace(/(\/callbacks\/kie\/)[^/?#]+/, '$1[token]');

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-webhook-signature"]',
          'req.headers["x-signature-ed25519"]',
          'req.headers["x-slack-signature"]',
          'headers.authorization',
          '*.apiKey',
          '*.token',
          '*.password',
          '*.secret',
        ],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { method?: string; url?: string; ip?: string }) => ({ method: req.method, url: maskUrl(req.url ?? ''), ip: req.ip }),
      },
    },
    destination as never,
  );
}
export type { Logger };
