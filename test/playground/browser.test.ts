// The playground page in a real (headless) Chromium: what a person sees when they use it.
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/core/messages.js';
import { startPlayground, type Playground } from './harness.js';

const waitMs = 15_000;

/** The part of HTMLAudioElement used here (the test compiles without the DOM lib). */
interface MediaLike {
  readyState: number;
  duration: number;
  addEventListener(type: string, listener: () => void): void;
  load(): void;
}

describe('playground page in a browser', () => {
  let pg: Playground;
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    pg = await startPlayground();
    base = await pg.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      timeout: waitMs,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
    page.setDefaultTimeout(waitMs);
  }, 20_000);

  afterAll(async () => {
    await browser?.close();
    await pg?.close();
  }, 20_000);

  const useUrl = async (url: string) => {
    await page.locator('.seg label', { hasText: 'URL' }).click();
    await page.locator('input[name=url]').fill(url);
  };

  it('GIVEN the page WHEN /separate is sent with a URL THEN the status card reaches Complete and its stem plays from the server', async () => {
    await page.goto(base);
    await expect.poll(() => page.locator('#conn').textContent(), { timeout: waitMs }).toBe('live');
    await useUrl('https://example.com/songs/River%20Song.mp3');
    await page.locator('#send').click();

    const card = page.locator('.card[data-state="complete"]');
    await card.waitFor();
    expect(await card.locator('.kind').textContent()).toBe('Stem separation · vocals + instrumental');
    expect(await card.locator('.input-name').textContent()).toBe('River Song.mp3');
    expect(await card.locator('.step').allTextContents()).toEqual(['Queued', 'Separating', 'Done']);
    expect(await card.locator('.stage-line').textContent()).toBe('Done — 2 stems in the thread.');
    expect(await page.locator('#composer-ok').textContent()).toBe('Started job job-1 — it costs ≈ 10 credits. Follow it in the status card above.');

    const audio = page.locator('.thread audio').first();
    await audio.waitFor();
    const src = (await audio.getAttribute('src'))!;
    const served = await page.evaluate(async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), src);
    expect(Buffer.from(served)).toEqual(pg.stem);
    // The browser itself decodes it: the player knows the stem's length (0.5 s).
    const duration = await audio.evaluate(
      (el: MediaLike) =>
        new Promise<number>((resolve) => {
          if (el.readyState >= 1) return resolve(el.duration);
          el.addEventListener('loadedmetadata', () => resolve(el.duration));
          el.addEventListener('error', () => resolve(-1));
          el.load();
        }),
    );
    expect(duration).toBeCloseTo(0.5, 1);
    expect(await page.locator('.thread .file-name').first().textContent()).toBe('River Song - Vocals.wav');
    expect(await page.locator('.thread .links a').first().textContent()).toBe('Instrumental.wav ↗');
    expect(await page.locator('.thread .actions button').first().textContent()).toBe('Split into 12 stems');
  }, 20_000);

  it('GIVEN a URL asking the simulator to fail WHEN sent THEN the card shows Failed and the thread a failure notice mentioning the requester', async () => {
    await useUrl('https://example.com/broken.mp3#sim=fail-451');
    await page.locator('#send').click();

    await page.locator('.card[data-state="failed"]').waitFor();
    const notice = page.locator('.notice.failure');
    await notice.waitFor();
    const text = await notice.textContent();
    expect(text).toContain('@You');
    expect(text).toContain('Stem separation failed for broken.mp3');
    expect(text).toContain(describeFailure('KIE_SOURCE_DOWNLOAD_FAILED'));
    expect(await notice.locator('strong').textContent()).toBe('Stem separation failed');
  }, 20_000);

  it('GIVEN /add-vocals without its options WHEN sent THEN the composer says which options are missing', async () => {
    await page.locator('.tab', { hasText: '/add-vocals' }).click();
    await useUrl('https://example.com/instrumental.mp3');
    await page.locator('#send').click();
    await expect.poll(() => page.locator('#composer-error').textContent(), { timeout: waitMs }).toBe('add-vocals needs prompt, style and title.');
    expect(await page.locator('#composer-error').isVisible()).toBe(true);
    expect(await page.locator('input[name=stem]').isVisible()).toBe(false);
    expect(await page.locator('textarea[name=prompt]').isVisible()).toBe(true);
  }, 20_000);

  it('GIVEN a pressed button WHEN the core accepts it THEN a new status card follows', async () => {
    await page.locator('.thread .actions button', { hasText: 'Split into 12 stems' }).first().click();
    await expect.poll(() => page.locator('.card').count(), { timeout: waitMs }).toBe(3);
    await page.locator('.card[data-state="complete"]').nth(1).waitFor();
    expect(pg.jobs.commands[2]!.params).toEqual({ kind: 'separate', mode: 'stems' });

    await mkdir('test-results', { recursive: true });
    await page.locator('.tab', { hasText: '/separate' }).click();
    await page.screenshot({ path: 'test-results/playground.png' });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: 'test-results/playground-narrow.png' });
  }, 20_000);

  it('GIVEN a finished card THEN it shows what was spent and no Cancel; WHEN /credits is pressed THEN the answer shows in the composer', async () => {
    await page.goto(base);
    const card = page.locator('.card[data-state="complete"]').first();
    await card.waitFor();
    expect(await card.locator('.cost-line').textContent()).toBe('10 credits spent');
    expect(await card.locator('button', { hasText: 'Cancel' }).count()).toBe(0);
    await page.locator('#credits').click();
    await expect.poll(() => page.locator('#composer-ok').textContent(), { timeout: waitMs }).toBe('You: 0 credits today, 0 credits this month.');
  });
});

