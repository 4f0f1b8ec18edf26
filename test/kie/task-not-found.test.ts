// record-info answers that mean "Kie does not know this task" (docs/kie-answers.md) become KIE_TASK_NOT_FOUND;
// other answers that merely look alike do not.
import { afterEach, describe, expect, it } from 'vitest';
import type { KieClient } from '../../src/kie/client.js';
import { createKiePort } from '../../src/kie/port.js';
import { mockedClient } from './helpers.js';

const clients: KieClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
function setup() {
  const m = mockedClient();
  clients.push(m.client);
  return { ...m, port: createKiePort(m.client) };
}
const sep = (id: string) => `/api/v1/vocal-removal/record-info?taskId=${id}`;
const gen = (id: string) => `/api/v1/generate/record-info?taskId=${id}`;

describe('record-info: a task Kie does not know', () => {
  it.each([
    ['the simulator’s 404 envelope', { code: 404, msg: 'Task not found: t1', data: null }],
    ['Kie’s documented 404', { code: 404, msg: 'Task not found' }],
    ['Kie’s documented 422 "recordInfo is null"', { code: 422, msg: 'recordInfo is null', data: null }],
  ])('GIVEN %s THEN KIE_TASK_NOT_FOUND', async (_name, body) => {
    const { port, api } = setup();
    api.intercept({ path: sep('t1'), method: 'GET' }).reply(200, body);
    expect(await port.poll('separate', 't1')).toMatchObject({ ok: false, code: 'KIE_TASK_NOT_FOUND' });
    api.intercept({ path: gen('t1'), method: 'GET' }).reply(200, body);
    expect(await port.poll('add_vocals', 't1')).toMatchObject({ ok: false, code: 'KIE_TASK_NOT_FOUND' });
  });

  it.each([
    ['an HTTP 404 without an envelope (a wrong path)', 404, 'Not Found'],
    ['a 400 about a missing taskId', 200, { code: 400, msg: 'taskId parameter is required' }],
    ['a 422 about something else', 200, { code: 422, msg: 'Validation Error' }],
  ])('GIVEN %s THEN it is not read as task not found', async (_name, status, body) => {
    const { port, api } = setup();
    api.intercept({ path: sep('t2'), method: 'GET' }).reply(status, body as object);
    const r = await port.poll('separate', 't2');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.code).not.toBe('KIE_TASK_NOT_FOUND');
  });

  it('GIVEN the same 404 envelope on a submission THEN it is not a missing task', async () => {
    const { port, api } = setup();
    api.intercept({ path: '/api/v1/vocal-removal/generate', method: 'POST' }).reply(200, { code: 404, msg: 'Task not found' });
    const r = await port.submit({ kind: 'separate', mode: 'vocals' }, { audioUrl: 'https://cdn.example.com/a.mp3' }, 'https://bot.example.com/cb');
    expect(r).toMatchObject({ ok: false, code: 'KIE_BAD_PARAMETERS' });
  });
});
