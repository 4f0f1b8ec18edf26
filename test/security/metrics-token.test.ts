// /metrics behind METRICS_TOKEN: without the right bearer nothing is disclosed; the probes stay open.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/ops/logger.js';
import { createStembot, type Stembot } from '../../src/stembot.js';

let bot: Stembot | undefined;
let dir: string | undefined;
afterEach(async () => {
  await bot?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  bot = dir = undefined;
});

async function app(env: Record<string, string> = {}) {
  dir = mkdtempSync(join(tmpdir(), 'stembot-metrics-'));
  const loaded = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, DATA_DIR: dir, LOG_LEVEL: 'silent', ...env }, { shedEventLoopDelayMs: 0 });
  if (!loaded.ok) throw new Error(loaded.message);
  bot = await createStembot(loaded.config, { logger: createLogger('silent'), collectDefaultMetrics: false, worker: false });
  await bot.app.ready();
  return bot;
}

describe('/metrics can be protected', () => {
  it('GIVEN METRICS_TOKEN WHEN /metrics is scraped with no or a wrong bearer THEN 401 without metrics; the right bearer gets Prometheus text; probes stay open', async () => {
    const b = await app({ METRICS_TOKEN: 'scrape-secret-123' });
    for (const authorization of [undefined, 'Bearer wrong', 'Bearer scrape-secret-1234', 'Basic c2NyYXBlLXNlY3JldC0xMjM=', 'scrape-secret-123']) {
      const res = await b.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.body).not.toContain('stembot_');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    const ok = await b.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-secret-123' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    expect(ok.body).toMatch(/^# HELP stembot_/m);
    expect((await b.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await b.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('GIVEN no METRICS_TOKEN WHEN /metrics is scraped THEN it is open (expose it to the scraper’s network only)', async () => {
    const b = await app();
    const res = await b.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^# HELP stembot_/m);
  });
});
