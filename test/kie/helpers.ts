// Shared test helpers for the Kie module: fixtures, a manual clock, and a KieClient wired to MockAgent.
import { readFileSync } from 'node:fs';
import { MockAgent } from 'undici';
import { defaults } from '../../src/config.js';
import { KieClient, type KieClientOptions } from '../../src/kie/client.js';

export const API = 'https://api.kie.ai';
export const UPLOAD = 'https://kieai.redpandaai.co';
export const KEY = 'kie-test-key-0123456789abcdef';

/** The client's required tuning, as the composition root passes it (src/background.ts). */
export const kieTuning = { submitPerWindow: defaults.kieSubmitPerWindow, submitWindowMs: defaults.kieSubmitWindowMs, timeoutMs: defaults.kieRequestTimeoutMs };

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/kie/${name}`, import.meta.url), 'utf8'));
}

/** A clock that only moves when something sleeps on it: backoffs are recorded, never waited for. */
export function manualTime(start = 1_753_782_854_000) {
  let now = start;
  const slept: number[] = [];
  return {
    clock: { now: () => now },
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
  };
}

export function mockedClient(options: Partial<KieClientOptions> = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const time = manualTime();
  const client = new KieClient({
    apiUrl: API,
    uploadUrl: UPLOAD,
    apiKey: KEY,
    ...kieTuning,
    dispatcher: agent,
    clock: time.clock,
    sleep: time.sleep,
    retryBaseMs: 1_000,
    maxRetries429: 3,
    readsPerSecondPerTask: 1_000,
    ...options,
  });
  return { agent, client, time, api: agent.get(API), upload: agent.get(UPLOAD) };
}

/** What the mock saw of one request. */
export interface Seen {
  path: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

export function seen(opts: { path: string; method: string; headers?: unknown; body?: unknown }): Seen {
  const headers = Object.fromEntries(Object.entries((opts.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const body = typeof opts.body === 'string' ? JSON.parse(opts.body) : opts.body;
  return { path: opts.path, method: opts.method, headers, body };
}

export const envelope = (data: unknown, code = 200, msg = 'success') => ({ code, msg, data });
