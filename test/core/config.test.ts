import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('GIVEN no environment at all WHEN loaded THEN demo mode on the embedded defaults', () => {
    const r = loadConfig({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({ demo: true, port: 3000, host: '127.0.0.1', databaseUrl: 'sqlite:./data/stembot.db', playgroundEnabled: true });
    expect(r.config.kie.apiUrl).toBe('https://api.kie.ai');
    expect(r.config.publicUrl).toBeUndefined();
  });

  it('GIVEN a real key WHEN no playground password THEN the playground is off; with one THEN on', () => {
    const off = loadConfig({ KIE_API_KEY: 'k' });
    expect(off.ok && off.config.playgroundEnabled).toBe(false);
    const on = loadConfig({ KIE_API_KEY: 'k', PLAYGROUND_PASSWORD: 'pw' });
    expect(on.ok && on.config.playgroundEnabled).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT /],
    [{ PORT: '70000' }, /^Invalid configuration: PORT /],
    [{ PUBLIC_URL: 'stembot.example.com' }, /^Invalid configuration: PUBLIC_URL must be an http\(s\) URL$/],
    [{ DATABASE_URL: 'mysql://x' }, /^Invalid configuration: DATABASE_URL must be sqlite:<path> or postgres/],
    [{ LOG_LEVEL: 'loud' }, /^Invalid configuration: LOG_LEVEL /],
    [{ DISCORD_PUBLIC_KEY: 'nothex' }, /^Invalid configuration: DISCORD_PUBLIC_KEY must be 64 hex/],
    [{ DISCORD_TOKEN: 'secret-token-value' }, /^Invalid configuration: DISCORD_APPLICATION_ID is required/],
  ])('GIVEN %o WHEN loaded THEN one line names the variable', (env, message) => {
    const r = loadConfig(env);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toMatch(message);
    expect(r.message.split('\n')).toHaveLength(1);
    // The value itself (possibly a secret) is never echoed.
    for (const v of Object.values(env)) expect(r.message).not.toContain(v);
  });

  it('GIVEN a PUBLIC_URL with a trailing slash and allow hosts WHEN loaded THEN normalised', () => {
    const r = loadConfig({ PUBLIC_URL: 'https://bot.example.com/', DOWNLOAD_ALLOW_HOSTS: ' 127.0.0.1:8080, Mirror.local ' });
    expect(r.ok && r.config.publicUrl).toBe('https://bot.example.com');
    expect(r.ok && r.config.downloadAllowHosts).toEqual(['127.0.0.1:8080', 'mirror.local']);
  });
});
