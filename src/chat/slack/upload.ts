// Files into a thread, Slack's way since files.upload was switched off: files.getUploadURLExternal per file →
// POST the bytes to its upload URL → one files.completeUploadExternal for the whole batch (channel_id,
// thread_ts, initial_comment), which shares them as one message.
// This is exactly what WebClient#filesUploadV2 does, except that filesUploadV2 reads every file whole into
// memory (readFileSync, all files at once): ten 100 MiB stems would be a gigabyte. Here each file is streamed
// from its temp file, one at a time. https://docs.slack.dev/messaging/working-with-files#uploading_files
import { createReadStream } from 'node:fs';
import type { FilesInfoResponse, WebClient } from '@slack/web-api';
import { request } from 'undici';
import type { LocalFile } from '../../core/ports.js';
import { slackFailure, type SlackFailure } from './web-client.js';

export interface UploadedFile {
  id: string;
  title: string;
}

export interface ShareTarget {
  channelId: string;
  threadTs: string | null;
  initialComment: string;
}

/** Steps 1–2 for each file. Answers the file ids to share; nothing is visible in Slack yet. */
export async function uploadFiles(web: WebClient, files: LocalFile[], timeoutMs: number): Promise<{ ok: true; value: UploadedFile[] } | SlackFailure> {
  const uploaded: UploadedFile[] = [];
  for (const file of files) {
    let target: { upload_url?: string; file_id?: string };
    try {
      target = await web.files.getUploadURLExternal({ filename: file.name, length: file.bytes });
    } catch (err) {
      return slackFailure(err);
    }
    if (!target.upload_url || !target.file_id) return { ok: false, code: 'TRANSIENT', detail: 'files.getUploadURLExternal gave no upload_url' };
    try {
      // Raw bytes are accepted as well as multipart ("Files can be sent as raw bytes or can be multipart form encoded").
      const res = await request(target.upload_url, {
        method: 'POST',
        body: createReadStream(file.path),
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(file.bytes) },
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body.dump();
      if (res.statusCode !== 200) return { ok: false, code: res.statusCode === 413 ? 'TOO_LARGE' : 'TRANSIENT', detail: `upload of ${file.name}: HTTP ${res.statusCode}` };
    } catch (err) {
      return { ok: false, code: 'TRANSIENT', detail: `upload of ${file.name}: ${(err as Error).message}` };
    }
    uploaded.push({ id: target.file_id, title: file.name });
  }
  return { ok: true, value: uploaded };
}

/**
 * Whether `file` is already shared where `to` points (channel, and thread when `threadTs`): files.info's
 * `shares.public|private[channel][]` entries carry the share's `ts` and, inside a thread, its `thread_ts`
 * (docs/slack-uploads.md). `gone`: Slack does not know the file (never completed, or deleted) — upload again.
 */
export async function findShare(web: WebClient, fileId: string, to: Pick<ShareTarget, 'channelId' | 'threadTs'>): Promise<{ ok: true; value: { ts: string } | 'unshared' | 'gone' } | SlackFailure> {
  let res: FilesInfoResponse;
  try {
    res = await web.files.info({ file: fileId });
  } catch (err) {
    const f = slackFailure(err);
    return f.code === 'NOT_FOUND' ? { ok: true, value: 'gone' } : f;
  }
  const shares = res.file?.shares ?? {};
  for (const scope of [shares.public, shares.private]) {
    for (const share of scope?.[to.channelId] ?? []) {
      if (to.threadTs ? share.thread_ts === to.threadTs : !share.thread_ts || share.thread_ts === share.ts) return { ok: true, value: { ts: share.ts ?? '' } };
    }
  }
  return { ok: true, value: 'unshared' };
}

/** Step 3: share the uploaded files as one message in the thread. */
export async function shareFiles(web: WebClient, files: UploadedFile[], to: ShareTarget): Promise<{ ok: true; value: string } | SlackFailure> {
  const [first, ...rest] = files;
  if (!first) return { ok: false, code: 'INVALID', detail: 'no files to share' };
  const destination = to.threadTs ? { channel_id: to.channelId, thread_ts: to.threadTs } : { channel_id: to.channelId };
  try {
    await web.files.completeUploadExternal({ files: [first, ...rest], initial_comment: to.initialComment, ...destination });
    // Slack answers the files, not the message they were shared in; the first file id names the post.
    return { ok: true, value: `file:${first.id}` };
  } catch (err) {
    return slackFailure(err);
  }
}
