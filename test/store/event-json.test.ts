// What the SQLite intake stores as an event's payload when it reuses the files it serialized for the job's
// row (src/store/sqlite/sqlite-store.ts eventJson): the same event, read back, as JSON.stringify would give.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../src/core/types.js';
import { parseCallback } from '../../src/kie/callbacks.js';
import { eventJson } from '../../src/store/sqlite/sqlite-store.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/kie/${name}`, import.meta.url), 'utf8')) as unknown;

describe('eventJson', () => {
  const complete = parseCallback(fixture('separation-current-split-stem.json'));
  if (!complete.ok) throw new Error(complete.reason);
  const events: JobEvent[] = [
    complete.event,
    { ...complete.event, files: [] } as JobEvent,
    { taskId: 't1', stage: 'failed', source: 'callback', code: 'KIE_SERVER_ERROR', kieCode: 500, detail: 'with "quotes", {braces} and \\ backslashes' },
  ];

  it.each(events.map((e) => [e.stage, e] as const))('GIVEN a %s event and its files serialized for the job WHEN stored THEN it reads back as the very event', (_stage, event) => {
    const files = 'files' in event ? JSON.stringify(event.files) : undefined;
    const stored = eventJson(event, files);
    expect(JSON.parse(stored)).toEqual(event);
    expect(stored.length).toBe(JSON.stringify(event).length);
  });

  it('GIVEN no serialized files WHEN stored THEN it is JSON.stringify of the event', () => {
    expect(eventJson(complete.event)).toBe(JSON.stringify(complete.event));
  });
});
