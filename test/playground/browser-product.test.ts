// The playground doing what the README says (issue 15, item 8), in a real headless Chromium against the
// whole stack (stembot + the Kie simulator), at a desktop width and a phone width: /jobs and /job with
// "Deliver again", the cap refusal listing the running jobs, Send disabled while the live connection is down,
// an unknown #sim= scenario refused with the known ones, a waveform drawn from each stem's audio, and a
// composer that leaves the channel most of the screen. Screenshots go to /tmp/shots/.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarioNames } from '../../src/sim/scenarios.js';
import { PASSWORD, startStack, type Stack } from '../e2e/harness.js';
import { jobFrom, wav } from './fixtures.js';
import { startPlayground, type Playground } from './harness.js';

const waitMs = 15_000;
const shots = '/tmp/shots';

/** The canvas API used here (the test compiles without the DOM lib). */
interface CanvasLike {
  width: number;
  height: number;
  dataset: Record<string, string>;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}

const widths = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;

let browser: Browser;
beforeAll(async () => {
  await mkdir(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    timeout: waitMs,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 20_000);
afterAll(async () => browser?.close(), 20_000);

describe.each(widths)('playground at $name width', ({ name, viewport }) => {
  let stack: Stack;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack();
    page = await browser.newPage({ viewport });
    page.setDefaultTimeout(waitMs);
    await page.goto(stack.base);
    await page.locator('#login-form input[name=password]').fill(PASSWORD);
    await page.locator('#login-form button[type=submit]').click();
    await page.locator('#conn[data-state="live"]').waitFor();
  }, 30_000);
  afterAll(async () => {
    await page?.close();
    await stack?.close();
  }, 20_000);

  const tab = (label: string) => page.locator('.tab', { hasText: new RegExp(`^${label.replace('/', '\\/')}$`) });
  const expandComposer = async () => {
    if ((await page.locator('#collapse').getAttribute('aria-expanded')) === 'false') await page.locator('#collapse').click();
  };
  const useUrl = async (url: string) => {
    await expandComposer();
    await page.locator('.seg label', { hasText: 'URL' }).click();
    await page.locator('input[name=url]').fill(url);
  };
  const send = async () => {
    await page.locator('#send').click();
  };

  it('GIVEN a finished split WHEN its stems arrive THEN each one has a waveform drawn from its audio', async () => {
    await tab('/separate').click();
    await useUrl('https://example.com/songs/Night%20Drive.mp3');
    await page.locator('select[name=mode]').selectOption('stems');
    await send();
    await page.locator('.card[data-state="complete"]').first().waitFor();
    const waves = page.locator('.thread .file canvas.wave');
    await expect.poll(() => waves.count(), { timeout: waitMs }).toBe(12);
    await expect.poll(() => page.locator('.thread canvas.wave[data-state="drawn"]').count(), { timeout: waitMs }).toBe(12);
    // The pixels themselves: a loud stem paints a good part of its canvas, top to bottom.
    const painted = await waves.first().evaluate((c: CanvasLike) => {
      const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
      let lit = 0;
      const rows = new Set<number>();
      for (let i = 3; i < data.length; i += 4) {
        if (data[i]! > 0) {
          lit++;
          rows.add(Math.floor((i - 3) / 4 / c.width));
        }
      }
      return { fraction: lit / (c.width * c.height), rows: rows.size / c.height, peak: Number(c.dataset.peak) };
    });
    expect(painted.peak).toBeGreaterThan(0.05);
    // Bars as tall as the audio is loud: at least that share of the rows, and a tenth of the canvas, is lit.
    expect(painted.rows).toBeGreaterThan(painted.peak * 0.8);
    expect(painted.fraction).toBeGreaterThan(0.1);
  }, 40_000);

  it('GIVEN /jobs THEN my jobs are listed only to me, and /job shows one with "Deliver again", which posts at the bottom pointing to its thread', async () => {
    const [job] = await stack.bot.service.listForUser('playground', 'playground-user', 1);
    await tab('/jobs').click();
    await send();
    const list = page.locator('.ephemeral').last();
    await list.waitFor();
    expect(await list.locator('.only-you').textContent()).toBe('Only you can see this');
    const row = list.locator(`.job-row[data-job="${job!.id}"]`);
    expect(await row.locator('.job-line').textContent()).toBe(`${job!.id} Stem separation · up to 12 stems · Night Drive.mp3 complete`);
    expect(await row.locator('.job-stage').textContent()).toBe('Done — 12 stems in the thread.');
    await page.screenshot({ path: `${shots}/${name}-jobs.png` });
    // The same job by its id, through the /job command.
    await tab('/job').click();
    await expandComposer();
    await page.locator('input[name=job_id]').fill(job!.id);
    await send();
    const detail = page.locator(`.ephemeral .job-detail[data-job="${job!.id}"]`);
    await detail.waitFor();
    const before = await page.locator('#messages > li').count();
    await detail.locator('button', { hasText: 'Deliver again' }).click();
    await expect.poll(() => detail.locator('.inline-ok').textContent(), { timeout: waitMs }).toContain('Delivering again');
    // Two new posts (10 + 2 stems) at the very bottom of the channel, each pointing to the job's thread.
    await expect.poll(() => page.locator('#messages > li').count(), { timeout: waitMs }).toBe(before + 2);
    const last = page.locator('#messages > li').last();
    expect(await last.locator('.in-thread').textContent()).toBe('↳ in thread: Stem separation: Night Drive.mp3');
    expect(await page.locator('#messages > li').nth(before).locator('.file-name').count()).toBe(10);
    expect(await last.locator('.file-name').allTextContents()).toEqual(['Night Drive - Brass.wav', 'Night Drive - Woodwinds.wav']);
    await last.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shots}/${name}-delivered-again.png` });
    // Following the pointer brings the job's status card into view.
    await last.locator('.in-thread').click();
    const card = page.locator('.msg-status', { has: page.locator('.thread-head', { hasText: 'Night Drive.mp3' }) });
    await expect.poll(async () => {
      const box = await card.locator('.card').boundingBox();
      const feed = await page.locator('#feed').boundingBox();
      return Boolean(box && feed && box.y >= feed.y - 1 && box.y < feed.y + feed.height);
    }, { timeout: waitMs }).toBe(true);
  }, 40_000);

  it('GIVEN /job with an id that is not mine THEN the composer says so', async () => {
    await tab('/job').click();
    await page.locator('input[name=job_id]').fill('nosuchjob1');
    await send();
    await expect.poll(() => page.locator('#composer-error').textContent(), { timeout: waitMs }).toBe('You have no job `nosuchjob1`. /jobs lists yours.');
  });

  it('GIVEN the live connection drops THEN Send is disabled until it is back', async () => {
    await tab('/separate').click();
    await useUrl('https://example.com/while-offline.mp3');
    expect(await page.locator('#send').isDisabled()).toBe(false);
    // New event streams fail, and the open one is cut (as a dropped network would).
    await page.route('**/playground/api/events', (route) => route.abort());
    stack.bot.app.server.closeAllConnections();
    await expect.poll(() => page.locator('#conn').textContent(), { timeout: waitMs }).toBe('reconnecting…');
    expect(await page.locator('#send').isDisabled()).toBe(true);
    expect(await page.locator('#send').getAttribute('title')).toBe('Waiting for the connection to stembot…');
    await page.unroute('**/playground/api/events');
    await expect.poll(() => page.locator('#conn').textContent(), { timeout: waitMs }).toBe('live');
    expect(await page.locator('#send').isDisabled()).toBe(false);
  }, 30_000);

  it('GIVEN "More options" open THEN the composer leaves the channel most of the screen (screenshot)', async () => {
    await tab('/add-vocals').click();
    await page.locator('details.more summary').click();
    expect(await page.locator('details.more').getAttribute('open')).not.toBeNull();
    const feed = (await page.locator('#feed').boundingBox())!;
    expect(feed.height / viewport.height).toBeGreaterThan(0.5);
    await page.screenshot({ path: `${shots}/${name}-more-options.png` });
    // Folding the composer gives the channel nearly all of it.
    await page.locator('#collapse').click();
    const folded = (await page.locator('#feed').boundingBox())!;
    expect(folded.height / viewport.height).toBeGreaterThan(0.75);
    await page.screenshot({ path: `${shots}/${name}-folded.png` });
    await page.locator('#collapse').click();
  });

  it('GIVEN as many running jobs as the cap allows WHEN one more is sent THEN the refusal lists the running ones', async () => {
    await tab('/separate').click();
    const running: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const r = await stack.submit({ command: 'separate', url: `https://example.com/slow-${i}.mp3#sim=lost-callback`, mode: 'vocals' });
      running.push(r.body.jobId!);
    }
    await useUrl('https://example.com/one-too-many.mp3');
    await send();
    const error = page.locator('#composer-error');
    await expect.poll(() => error.textContent(), { timeout: waitMs }).toContain('Your running jobs:');
    const text = (await error.textContent())!;
    expect(text.startsWith('You already have as many jobs running as allowed.')).toBe(true);
    for (const id of running) expect(text).toMatch(new RegExp(`• \`?${id}\`? — Stem separation \\(vocals \\+ instrumental\\) of slow-\\d\\.mp3 — `));
    await page.screenshot({ path: `${shots}/${name}-cap.png` });
  });
});

// Demo mode (the simulator stands in for Kie): the playground with its own fake core, as test/playground/browser.test.ts.
describe.each(widths)('playground in demo mode at $name width', ({ viewport }) => {
  let pg: Playground;
  let page: Page;
  beforeAll(async () => {
    pg = await startPlayground();
    const base = await pg.app.listen({ port: 0, host: '127.0.0.1' });
    page = await browser.newPage({ viewport });
    page.setDefaultTimeout(waitMs);
    await page.goto(base);
    await page.locator('#conn[data-state="live"]').waitFor();
  }, 30_000);
  afterAll(async () => {
    await page?.close();
    await pg?.close();
  }, 20_000);

  it('GIVEN an unknown #sim= scenario THEN it is refused with the list of known ones, and nothing starts', async () => {
    await page.locator('.seg label', { hasText: 'URL' }).click();
    await page.locator('input[name=url]').fill('https://example.com/song.mp3#sim=fail-999');
    await page.locator('#send').click();
    await expect.poll(() => page.locator('#composer-error').textContent(), { timeout: waitMs }).toBe(
      `The simulator has no scenario “fail-999”. Known scenarios: ${scenarioNames.join(', ')}.`,
    );
    expect(pg.jobs.commands).toEqual([]);
    // Every known one is offered as a chip.
    expect(await page.locator('#tricks .chip').allTextContents()).toEqual([...scenarioNames]);
  });

  it('GIVEN a silent stem and a loud one posted in the channel THEN the silent one is drawn flat and tagged "silent"', async () => {
    const loud = wav(0.5);
    const silent = Buffer.from(loud);
    silent.fill(0, 44); // same header, every sample zero
    const paths = { loud: join(pg.dataDir, 'loud.wav'), silent: join(pg.dataDir, 'silent.wav') };
    await writeFile(paths.loud, loud);
    await writeFile(paths.silent, silent);
    const job = jobFrom({ origin: { platform: 'playground', workspaceId: 'local', channelId: 'playground', userId: 'playground-user', userName: 'You' }, input: { type: 'url', url: 'https://e/s.mp3', name: 's.mp3' }, params: { kind: 'separate', mode: 'vocals' } }, 'job-wave', Date.now());
    const posted = await pg.chat.post(job, null, {
      text: '**Quiet Song** — 2 stems',
      files: [
        { path: paths.loud, name: 'Quiet Song - Vocals.wav', bytes: loud.length, mimeType: 'audio/wav' },
        { path: paths.silent, name: 'Quiet Song - Brass.wav', bytes: silent.length, mimeType: 'audio/wav' },
      ],
    }, 'wave-test');
    expect(posted.ok).toBe(true);
    const files = page.locator('.msg', { hasText: 'Quiet Song — 2 stems' }).locator('.file');
    await expect.poll(() => files.locator('canvas.wave').count(), { timeout: waitMs }).toBe(2);
    await expect.poll(() => files.locator('canvas.wave[data-state="loading"]').count(), { timeout: waitMs }).toBe(0);
    expect(await files.nth(0).locator('canvas.wave').getAttribute('data-state')).toBe('drawn');
    expect(await files.nth(0).locator('.silent-tag').count()).toBe(0);
    expect(await files.nth(1).locator('canvas.wave').getAttribute('data-state')).toBe('silent');
    expect(await files.nth(1).locator('.silent-tag').textContent()).toBe('silent');
  });
});
