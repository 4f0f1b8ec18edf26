// The cost table and KIE_COSTS, the budget sentences, and the periods they count in (docs/costs.md).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createKie } from '../../src/background.js';
import { loadConfig } from '../../src/config.js';
import { costOf, defaultCosts, parseCosts } from '../../src/core/costs.js';
import { JobService } from '../../src/core/job-service.js';
import { describeBudgetRefusal, periods } from '../../src/core/spend.js';
import { createLogger } from '../../src/ops/logger.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';

describe('costs', () => {
  it('GIVEN no KIE_COSTS THEN each operation costs the documented default', () => {
    expect(defaultCosts).toEqual({ separate_vocal: 10, split_stem: 50, split_stem_advanced: 20, add_vocals: 12, add_instrumental: 12, midi: 5, wav: 2 });
    expect(costOf({ kind: 'separate', mode: 'vocals' })).toBe(10);
    expect(costOf({ kind: 'separate', mode: 'stems' })).toBe(50);
    expect(costOf({ kind: 'separate', mode: 'single', stem: 'Piano' })).toBe(20);
    expect(costOf({ kind: 'add_vocals', prompt: 'p', style: 's', title: 't' })).toBe(12);
    expect(costOf({ kind: 'add_instrumental', tags: 't', title: 't' })).toBe(12);
  });

  it('GIVEN KIE_COSTS THEN it overrides only what it names; a bad entry stops start-up naming the variable, not echoing secrets', () => {
    const loaded = loadConfig({ KIE_COSTS: 'split_stem=60, add_vocals=15' });
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.config.spend.costs).toEqual({ ...defaultCosts, split_stem: 60, add_vocals: 15 });
    expect(loadConfig({ KIE_COSTS: 'stems=5' })).toEqual({ ok: false, message: 'Invalid configuration: KIE_COSTS stems is not one of separate_vocal, split_stem, split_stem_advanced, add_vocals, add_instrumental, midi, wav' });
    expect(loadConfig({ KIE_COSTS: 'split_stem=lots' })).toEqual({ ok: false, message: 'Invalid configuration: KIE_COSTS "split_stem=lots" is not name=credits' });
    expect(loadConfig({ BUDGET_USER_DAILY: '-5' }).ok).toBe(false);
    const none = loadConfig({ KIE_COSTS: '', BUDGET_USER_DAILY: '', BUDGET_SERVER_MONTHLY: '', KIE_LOW_BALANCE: '' });
    expect(none.ok && none.config.spend).toEqual({ costs: defaultCosts, budgetUserDaily: 0, budgetServerMonthly: 0, lowBalance: 0 });
    expect(parseCosts('split_stem_advanced=0')).toEqual({ ok: true, table: { ...defaultCosts, split_stem_advanced: 0 } });
  });

  // The Kie port's use of the table (telling a 429 apart) is in test/kie/port.test.ts.
  it('GIVEN the configured table THEN costOf(params, table) and a new job both use it', async () => {
    const table = { ...defaultCosts, split_stem: 60 };
    expect(costOf({ kind: 'separate', mode: 'stems' }, table)).toBe(60);
    const store = new SqliteJobStore(':memory:');
    await store.migrate();
    const service = new JobService({ store, clock: { now: () => Date.UTC(2026, 11, 3, 12) }, maxInputBytes: 1e6, maxActivePerUser: 0, maxActivePerWorkspace: 0, costs: table, budgetUserDaily: 100 });
    const origin = { platform: 'playground' as const, workspaceId: 'local', channelId: 'c', userId: 'u', userName: 'U' };
    const input = { type: 'kie_track' as const, taskId: 't', audioId: 'a', name: 'Kie track' };
    const r = await service.submit({ origin, input, params: { kind: 'separate', mode: 'stems' } });
    expect(r.ok && r.job.cost).toBe(60);
    const refused = await service.submit({ origin, input, params: { kind: 'separate', mode: 'stems' } });
    expect(refused).toEqual({
      ok: false,
      code: 'USER_BUDGET',
      message: 'This job would cost ≈ 60 credits, more than is left of your daily budget: 60 of 100 credits used today, 40 left. It resets at 00:00 UTC (in 12h 0m). Nothing was spent.',
    });
    await store.close();
  });

  it('GIVEN KIE_COSTS THEN the Kie port stembot builds judges an envelope 429 against the configured price', async () => {
    // A Kie that answers every submission with an envelope 429 and has 55 credits: out of credits at 60, not at 50.
    const kie = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url?.startsWith('/api/v1/chat/credit') ? { code: 200, msg: 'success', data: 55 } : { code: 429, msg: 'Too many requests', data: null }));
    });
    await new Promise<void>((r) => kie.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(kie.address() as AddressInfo).port}`;
    const loaded = loadConfig({ KIE_API_KEY: 'kie-test-key-0123456789abcdef', KIE_API_URL: url, KIE_UPLOAD_URL: url, KIE_COSTS: 'split_stem=60' });
    if (!loaded.ok) throw new Error(loaded.message);
    const made = createKie(loaded.config, createLogger('silent'));
    try {
      const r = await made.kie.submit({ kind: 'separate', mode: 'stems' }, { audioUrl: 'https://cdn.example.com/a.mp3' }, 'https://bot.example.com/callbacks/kie/tok');
      expect(r).toMatchObject({ ok: false, code: 'KIE_INSUFFICIENT_CREDITS' });
      expect(!r.ok && r.detail).toContain('balance 55 credits, this job needs about 60');
    } finally {
      await made.client.close();
      await new Promise((r) => kie.close(r));
    }
  });

  it('GIVEN a time THEN the UTC day and month it falls in, and the monthly refusal names the next 1st', () => {
    const now = Date.UTC(2026, 11, 31, 23, 59);
    expect(periods(now)).toEqual({ dayStart: Date.UTC(2026, 11, 31), dayEnd: Date.UTC(2027, 0, 1), monthStart: Date.UTC(2026, 11, 1), monthEnd: Date.UTC(2027, 0, 1) });
    expect(describeBudgetRefusal({ ok: false, code: 'SERVER_BUDGET', used: 990, limit: 1000 }, 50, now)).toBe(
      'This job would cost ≈ 50 credits, more than is left of this server’s monthly budget: 990 of 1000 credits used this month, 10 left. It resets on 1 January at 00:00 UTC. Nothing was spent.',
    );
  });
});
