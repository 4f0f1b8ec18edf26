// The security settings as the environment spells them.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('security settings', () => {
  it('TRUST_PROXY: off by default; true/false, a hop count or a comma list of proxies; anything else stops start-up naming it', () => {
    const trust = (v?: string) => {
      const r = loadConfig(v === undefined ? {} : { TRUST_PROXY: v });
      return r.ok ? r.config.trustProxy : r.message;
    };
    expect(trust()).toBe(false);
    expect(trust('false')).toBe(false);
    expect(trust('true')).toBe(true);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.1, 10.1.0.0/16,::1')).toEqual(['10.0.0.1', '10.1.0.0/16', '::1']);
    expect(trust('yes please')).toBe('Invalid configuration: TRUST_PROXY must be true, false, a hop count or a comma list of proxy addresses');
  });

  it('HOST: 127.0.0.1 in demo mode, 0.0.0.0 with a Kie key, whatever is set otherwise', () => {
    const host = (env: Record<string, string>) => {
      const r = loadConfig(env);
      return r.ok ? r.config.host : r.message;
    };
    expect(host({})).toBe('127.0.0.1');
    expect(host({ HOST: '0.0.0.0' })).toBe('0.0.0.0');
    expect(host({ KIE_API_KEY: 'k' })).toBe('0.0.0.0');
    expect(host({ KIE_API_KEY: 'k', HOST: '10.0.0.5' })).toBe('10.0.0.5');
  });
});
