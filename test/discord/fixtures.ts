// Small builders shared by the unit-level suites.
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalFile } from '../../src/core/ports.js';
import type { Command, Job } from '../../src/core/types.js';
import { jobFromCommand } from '../support/job.js';

export function jobFor(channelId: string, over: Partial<Job> = {}): Job {
  const now = Date.now();
  const command: Command = {
    origin: { platform: 'discord', workspaceId: '1100000000000000002', channelId, userId: '1200000000000000001', userName: 'alice', meta: { attachmentSizeLimit: 10 * 1024 * 1024 } },
    input: { type: 'kie_track', taskId: 't', audioId: 'a', name: 'song.mp3' },
    params: { kind: 'separate', mode: 'vocals' },
  };
  return jobFromCommand(command, 'j0b1d2e3f4', now, { taskId: 'task123', callbackToken: 'tok', state: 'complete', submittedAt: now, finishedAt: now, ...over });
}

/** Files on disk with distinct bytes, as the outbox hands them to `post`. */
export async function stemFiles(n: number, bytes = 2048): Promise<{ files: LocalFile[]; contents: Buffer[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'stembot-discord-files-'));
  const files: LocalFile[] = [];
  const contents: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const data = Buffer.alloc(bytes, i + 1);
    data.write(`RIFF-stem-${i}`);
    const path = join(dir, `stem-${i}.wav`);
    await writeFile(path, data);
    files.push({ path, name: `song - stem ${i + 1}.wav`, bytes, mimeType: 'audio/wav' });
    contents.push(data);
  }
  return { files, contents };
}
