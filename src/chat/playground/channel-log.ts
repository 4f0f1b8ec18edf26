// The playground channel's durable memory: an append-only JSON-lines file. Appends are cheap and a crash
// can at worst leave one half-written last line, which replay skips. At start it may be rewritten whole
// (compaction), through a temporary file and a rename, so a crash leaves either the old log or the new one.
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LogEvent } from './message.js';

export class ChannelLog {
  constructor(private readonly path: string) {}

  /** Read every event written so far. Synchronous because it runs once, in a constructor, at start-up. */
  replay(): LogEvent[] {
    mkdirSync(dirname(this.path), { recursive: true });
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    // A torn last line (crash mid-write) must not swallow the next append: start it on a fresh line.
    if (text.length > 0 && !text.endsWith('\n')) appendFileSync(this.path, '\n');
    const events: LogEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const event = JSON.parse(line) as LogEvent;
        if (event && typeof event === 'object' && typeof event.type === 'string') events.push(event);
      } catch {
        // The torn line of a crash; everything before it is intact.
      }
    }
    return events;
  }

  /** Replace the whole log with `events` (at start-up, before any append). */
  rewrite(events: LogEvent[]): void {
    const tmp = `${this.path}.compacting`;
    writeFileSync(tmp, events.map((e) => JSON.stringify(e) + '\n').join(''), 'utf8');
    renameSync(tmp, this.path);
  }

  async append(event: LogEvent): Promise<void> {
    await appendFile(this.path, JSON.stringify(event) + '\n', 'utf8');
  }
}
