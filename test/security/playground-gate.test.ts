// The playground gate behind a proxy, attacked through the real app (createStembot + inject): cross-site
// requests (CSRF), forged X-Forwarded-For against the login limiter, and the session cookie's Secure flag.
import { afterEach, describe, expect, it } from 'vitest';
import type { PlaygroundChat } from '../../src/chat/playground/chat-port.js';
import type { Stembot } from '../../src/stembot.js';
import { tempStembot, type TempStembot } from '../support/temp-stembot.js';

const PASSWORD = 'river-song';
let running: TempStembot | undefined;
afterEach(async () => {
  await running?.dispose();
  running = undefined;
});

/** A fresh app; the one before it (if any) is stopped and removed first. */
async function app(env: Record<string, string> = {}) {
  await running?.dispose();
  running = await tempStembot('stembot-gate-', { PLAYGROUND_PASSWORD: PASSWORD, ...env });
  await running.bot.app.ready();
  return running.bot;
}

// inject's default Host is localhost:80, so the server's own origin is http://localhost.
const SAME = 'http://localhost';
const login = (b: Stembot, password: string, headers: Record<string, string> = {}) =>
  b.app.inject({ method: 'POST', url: '/playground/api/login', headers: { origin: SAME, ...headers }, payload: { password } });
const cookieOf = (setCookie: unknown) => String(setCookie).split(';')[0]!;

describe('the playground gate holds behind a proxy', () => {
  it('GIVEN a signed-in browser WHEN another site posts a command or a button press THEN 403 and nothing changes; the page itself still can', async () => {
    const b = await app();
    const cookie = cookieOf((await login(b, PASSWORD)).headers['set-cookie']);
    const command = { command: 'separate', url: 'https://example.com/a.mp3' };
    for (const headers of [{ origin: 'https://evil.example' }, { referer: 'https://evil.example/page' }, {}, { origin: 'null' }, { origin: 'http://localhost:8080' }]) {
      const forged = await b.app.inject({ method: 'POST', url: '/playground/api/commands', headers: { cookie, ...headers }, payload: command });
      expect(forged.statusCode, JSON.stringify(headers)).toBe(403);
      expect(forged.json()).toMatchObject({ code: 'FOREIGN_ORIGIN' });
      const press = await b.app.inject({ method: 'POST', url: '/playground/api/actions', headers: { cookie, ...headers }, payload: { action: { id: 'retry', jobId: 'x' } } });
      expect(press.statusCode).toBe(403);
    }
    expect((b.chat.playground as PlaygroundChat).messages()).toEqual([]);
    // A cross-site login does not even get a cookie.
    const crossLogin = await login(b, PASSWORD, { origin: 'https://evil.example' });
    expect(crossLogin.statusCode).toBe(403);
    expect(crossLogin.headers['set-cookie']).toBeUndefined();

    const same = await b.app.inject({ method: 'POST', url: '/playground/api/commands', headers: { cookie, origin: SAME }, payload: command });
    expect(same.statusCode).toBe(202);
    const byReferer = await b.app.inject({ method: 'POST', url: '/playground/api/commands', headers: { cookie, referer: `${SAME}/` }, payload: command });
    expect(byReferer.statusCode).toBe(202);
  });

  it('GIVEN PUBLIC_URL WHEN a request comes from another origin (even one matching its Host) THEN 403; from PUBLIC_URL’s origin it works', async () => {
    const b = await app({ PUBLIC_URL: 'https://bot.example.com/' });
    const ok = await login(b, PASSWORD, { origin: 'https://bot.example.com' });
    expect(ok.statusCode).toBe(200);
    const rebound = await login(b, PASSWORD, { origin: 'http://evil.example', host: 'evil.example' });
    expect(rebound.statusCode).toBe(403);
  });

  it('GIVEN TRUST_PROXY WHEN one client behind the proxy guesses passwords THEN that client is locked out, another one is not', async () => {
    const b = await app({ TRUST_PROXY: '127.0.0.1' });
    for (let i = 0; i < 10; i++) expect((await login(b, 'wrong', { 'x-forwarded-for': '203.0.113.7' })).statusCode).toBe(401);
    expect((await login(b, PASSWORD, { 'x-forwarded-for': '203.0.113.7' })).statusCode).toBe(429);
    const other = await login(b, PASSWORD, { 'x-forwarded-for': '198.51.100.9' });
    expect(other.statusCode).toBe(200);
    expect(other.headers['set-cookie']).toContain('stembot_playground=');
  });

  it('GIVEN no TRUST_PROXY WHEN an attacker forges a new X-Forwarded-For on each guess THEN the limiter still locks the attacker out', async () => {
    const b = await app();
    for (let i = 0; i < 10; i++) expect((await login(b, 'wrong', { 'x-forwarded-for': `198.51.100.${i}` })).statusCode).toBe(401);
    expect((await login(b, PASSWORD, { 'x-forwarded-for': '192.0.2.200' })).statusCode).toBe(429);
  });

  it('GIVEN an https PUBLIC_URL, or a trusted X-Forwarded-Proto https THEN the session cookie is Secure; a forged one without TRUST_PROXY is not believed', async () => {
    let b = await app({ PUBLIC_URL: 'https://bot.example.com' });
    expect(String((await login(b, PASSWORD, { origin: 'https://bot.example.com' })).headers['set-cookie'])).toMatch(/; Secure/);
    b = await app({ TRUST_PROXY: 'true' });
    const proxied = await login(b, PASSWORD, { host: 'localhost', origin: 'https://localhost', 'x-forwarded-proto': 'https' });
    expect(proxied.statusCode).toBe(200);
    expect(String(proxied.headers['set-cookie'])).toMatch(/; Secure/);
    b = await app();
    const forged = await login(b, PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(forged.statusCode).toBe(200);
    expect(String(forged.headers['set-cookie'])).not.toMatch(/Secure/);
  });
});
