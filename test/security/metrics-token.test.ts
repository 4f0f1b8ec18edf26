// /metrics behind METRICS_TOKEN: without the right bearer nothing is disclosed; the probes stay open.
import { afterEach, describe, expect, it } from 'vitest';
import { tempStembot, type TempStembot } from '../support/temp-stembot.js';

let running: TempStembot | undefined;
afterEach(async () => {
  await running?.dispose();
  running = undefined;
});

async function app(env: Record<string, string> = {}) {
  running = await tempStembot('stembot-metrics-', env);
  await running.bot.app.ready();
  return running.bot;
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
