import { afterEach, describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/core/messages.js';
import { startPlayground, type Playground } from './harness.js';

// Over a real socket an early 413 must still reach the client as an answer, not as a reset connection.
describe('playground uploads over the network', () => {
  let pg: Playground;
  afterEach(() => pg.close());

  it.each([
    ['streamed past the cap', 200 * 1024],
    ['announced far over the cap', 2 * 1024 * 1024],
  ])('GIVEN an upload %s WHEN a browser-like client sends it THEN it reads a 413 with the sentence and nothing is kept', async (_how, size) => {
    pg = await startPlayground({ maxUploadBytes: 64 * 1024 });
    const base = await pg.app.listen({ port: 0, host: '127.0.0.1' });
    const form = new FormData();
    form.append('command', 'separate');
    form.append('audio', new Blob([Buffer.alloc(size, 7)], { type: 'audio/wav' }), 'big.wav');

    const res = await fetch(`${base}/playground/api/commands`, { method: 'POST', headers: { origin: base }, body: form });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ code: 'INPUT_TOO_LARGE', message: describeFailure('INPUT_TOO_LARGE') });
    expect(await pg.uploads()).toEqual([]);
    expect(pg.jobs.commands).toEqual([]);
  });
});
