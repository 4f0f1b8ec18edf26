import { afterEach, describe, expect, it } from 'vitest';
import { startPlayground, type Playground } from './harness.js';

describe('playground password', () => {
  let pg: Playground;
  afterEach(() => pg.close());

  const login = (password: string) => pg.app.inject({ method: 'POST', url: '/playground/api/login', headers: { origin: 'http://localhost' }, payload: { password } });
  const cookieOf = (setCookie: string | string[] | undefined) => String(setCookie).split(';')[0]!;

  it('GIVEN a password WHEN the channel is asked for without a session THEN 401, while the page itself still loads', async () => {
    pg = await startPlayground({ password: 'river-song' });
    const page = await pg.app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    const session = await pg.app.inject({ method: 'GET', url: '/playground/api/session' });
    expect(session.json()).toMatchObject({ authRequired: true, authenticated: false });
    for (const [method, url] of [
      ['GET', '/playground/api/messages'],
      ['GET', '/playground/api/events'],
      ['POST', '/playground/api/commands'],
      ['POST', '/playground/api/actions'],
      ['GET', '/playground/files/x/y.wav'],
    ] as const) {
      const res = await pg.app.inject({ method, url, headers: { origin: 'http://localhost' } });
      expect(res.statusCode, url).toBe(401);
      expect(res.json()).toEqual({ code: 'UNAUTHORIZED', message: 'This playground is protected: enter its password first.' });
    }
  });

  it('GIVEN a wrong password WHEN logging in THEN 401 with a sentence and no cookie', async () => {
    pg = await startPlayground({ password: 'river-song' });
    const res = await login('river-sang');
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toBe('That password is not right. Try again.');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('GIVEN the right password WHEN logging in THEN an HttpOnly SameSite=Strict cookie opens every route', async () => {
    pg = await startPlayground({ password: 'river-song' });
    const res = await login('river-song');
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^stembot_playground=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const cookie = cookieOf(res.headers['set-cookie']);

    const messages = await pg.app.inject({ method: 'GET', url: '/playground/api/messages', headers: { cookie } });
    expect(messages.statusCode).toBe(200);
    const sent = await pg.app.inject({
      method: 'POST',
      url: '/playground/api/commands',
      headers: { cookie, origin: 'http://localhost' },
      payload: { command: 'separate', url: 'https://example.com/a.mp3' },
    });
    expect(sent.statusCode).toBe(202);
    const session = await pg.app.inject({ method: 'GET', url: '/playground/api/session', headers: { cookie } });
    expect(session.json()).toMatchObject({ authRequired: true, authenticated: true });
  });

  it('GIVEN a forged or tampered cookie WHEN used THEN 401', async () => {
    pg = await startPlayground({ password: 'river-song' });
    const cookie = cookieOf((await login('river-song')).headers['set-cookie']);
    const tampered = cookie.replace(/=(\d)/, (_m, d: string) => `=${(Number(d) + 1) % 10}`);
    for (const c of [tampered, 'stembot_playground=9999999999999.abc.def', 'stembot_playground=']) {
      const res = await pg.app.inject({ method: 'GET', url: '/playground/api/messages', headers: { cookie: c } });
      expect(res.statusCode, c).toBe(401);
    }
  });

  it('GIVEN a session WHEN the playground restarts THEN the cookie still works, unless the password changed', async () => {
    pg = await startPlayground({ password: 'river-song' });
    const cookie = cookieOf((await login('river-song')).headers['set-cookie']);
    const restarted = await startPlayground({ password: 'river-song' }, pg.dataDir);
    const changed = await startPlayground({ password: 'another' }, pg.dataDir);
    try {
      const same = await restarted.app.inject({ method: 'GET', url: '/playground/api/messages', headers: { cookie } });
      expect(same.statusCode).toBe(200);
      const other = await changed.app.inject({ method: 'GET', url: '/playground/api/messages', headers: { cookie } });
      expect(other.statusCode).toBe(401);
    } finally {
      await restarted.close();
      await changed.close();
    }
  });

  it('GIVEN many wrong passwords WHEN one more is tried THEN 429, even with the right one', async () => {
    pg = await startPlayground({ password: 'river-song' });
    for (let i = 0; i < 10; i++) expect((await login(`guess-${i}`)).statusCode).toBe(401);
    const res = await login('river-song');
    expect(res.statusCode).toBe(429);
    expect(res.json().message).toBe('Too many wrong passwords. Wait ten minutes, then try again.');
  });

  it('GIVEN no password WHEN the channel is asked for THEN it is open', async () => {
    pg = await startPlayground();
    expect((await pg.app.inject({ method: 'GET', url: '/playground/api/messages' })).statusCode).toBe(200);
    const session = await pg.app.inject({ method: 'GET', url: '/playground/api/session' });
    expect(session.json()).toEqual({ authRequired: false, authenticated: true, userName: 'You', maxUploadBytes: 64 * 1024, demo: true });
  });
});
